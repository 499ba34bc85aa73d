package analyzer.web;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens the page in the desktop's browser ({@code --open}): {@code $BROWSER} when set (as Python's webbrowser and
 * xdg-open honour it), else xdg-open, open (macOS) or the URL handler (Windows). Run with sudo for capture
 * permission, the browser is started as the user who ran sudo, on their display: a browser running as root is
 * neither wanted nor, for Chromium, allowed.
 */
public final class BrowserLauncher {

    private BrowserLauncher() {
    }

    /** Starts the browser; returns null when it started, otherwise why not, for a one-line warning. */
    public static String open(URI url) {
        List<String> command = command(url.toString(), System.getenv(), System.getProperty("os.name", ""));
        if (command == null) {
            return "no desktop to open a browser on (no DISPLAY): open the URL yourself";
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            p.getOutputStream().close();
            // xdg-open and open hand the URL over and return; a browser started directly keeps running.
            if (p.waitFor(3, TimeUnit.SECONDS) && p.exitValue() != 0) {
                return command.get(0) + " failed (exit " + p.exitValue() + "): open the URL yourself";
            }
            return null;
        } catch (IOException e) {
            return "cannot start " + command.get(0) + " (" + e.getMessage() + "): open the URL yourself";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The command that opens {@code url} here, or null when there is no desktop to open it on. */
    static List<String> command(String url, Map<String, String> env, String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        List<String> command = new ArrayList<>();
        String browser = env.get("BROWSER");
        if (browser != null && !browser.isBlank()) {
            // $BROWSER may list several, separated by the path separator; the first is tried.
            command.add(browser.split(File.pathSeparator)[0].trim());
        } else if (os.contains("mac")) {
            command.add("open");
        } else if (os.contains("win")) {
            command.addAll(List.of("rundll32", "url.dll,FileProtocolHandler"));
        } else {
            if (isBlank(env.get("DISPLAY")) && isBlank(env.get("WAYLAND_DISPLAY"))) {
                return null;
            }
            command.add("xdg-open");
        }
        command.add(url);
        String sudoUser = env.get("SUDO_USER");
        if (!os.contains("win") && !isBlank(sudoUser) && !"root".equals(sudoUser) && "root".equals(env.get("USER"))) {
            List<String> asUser = new ArrayList<>(List.of("sudo", "-u", sudoUser, "env"));
            for (String name : List.of("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS")) {
                if (!isBlank(env.get(name))) {
                    asUser.add(name + "=" + env.get(name));
                }
            }
            if (!isBlank(env.get("SUDO_UID"))) {
                asUser.add("XDG_RUNTIME_DIR=/run/user/" + env.get("SUDO_UID"));
            }
            asUser.addAll(command);
            return asUser;
        }
        return command;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
