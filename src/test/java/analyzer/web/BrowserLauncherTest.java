package analyzer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrowserLauncherTest {

    private static final String URL = "http://127.0.0.1:1234/?token=t";

    @Test
    void theDesktopsOwnOpener() {
        assertEquals(List.of("xdg-open", URL), BrowserLauncher.command(URL, Map.of("DISPLAY", ":0"), "Linux"));
        assertEquals(List.of("xdg-open", URL), BrowserLauncher.command(URL, Map.of("WAYLAND_DISPLAY", "wayland-0"),
                "Linux"));
        assertEquals(List.of("open", URL), BrowserLauncher.command(URL, Map.of(), "Mac OS X"));
        assertEquals(List.of("rundll32", "url.dll,FileProtocolHandler", URL), BrowserLauncher.command(URL, Map.of(),
                "Windows 11"));
    }

    @Test
    void browserWinsAndNoDisplayMeansNoDesktop() {
        assertEquals(List.of("firefox", URL), BrowserLauncher.command(URL, Map.of("BROWSER", "firefox:chromium"),
                "Linux"));
        assertNull(BrowserLauncher.command(URL, Map.of(), "Linux"), "a server without a display");
    }

    @Test
    void underSudoTheBrowserRunsAsTheUserOnTheirDisplay() {
        assertEquals(List.of("sudo", "-u", "alice", "env", "DISPLAY=:0", "XDG_RUNTIME_DIR=/run/user/1000", "xdg-open",
                URL), BrowserLauncher.command(URL, Map.of("DISPLAY", ":0", "SUDO_USER", "alice", "SUDO_UID", "1000",
                "USER", "root"), "Linux"));
    }
}
