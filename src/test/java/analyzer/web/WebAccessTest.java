package analyzer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WebAccessTest {

    private static WebAccess access(String listenHost) {
        WebAccess access = new WebAccess("secret-token", listenHost);
        access.port(8765);
        return access;
    }

    @Test
    void theHostMustNameThisServerByAddressOrAsLocalhost() {
        WebAccess a = access(null);
        assertTrue(a.hostAllowed("127.0.0.1:8765"));
        assertTrue(a.hostAllowed("localhost:8765"));
        assertTrue(a.hostAllowed("LOCALHOST:8765"));
        assertTrue(a.hostAllowed("[::1]:8765"));
        assertTrue(a.hostAllowed("192.168.1.20:8765"), "an address cannot be rebound");
        // DNS rebinding: a site's own name, now resolving to 127.0.0.1, comes with that name.
        assertFalse(a.hostAllowed("attacker.example:8765"));
        assertFalse(a.hostAllowed("localhost.attacker.example:8765"));
        assertFalse(a.hostAllowed("127.0.0.1.nip.io:8765"));
        assertFalse(a.hostAllowed("127.0.0.1:8766"), "another port");
        assertFalse(a.hostAllowed("127.0.0.1"), "no port: port 80");
        assertFalse(a.hostAllowed(null));
        assertFalse(a.hostAllowed(""));
        assertFalse(a.hostAllowed("[::1"));
        assertFalse(a.hostAllowed("999.0.0.1:8765"));
    }

    @Test
    void aNameGivenToListenOnIsAcceptedToo() {
        WebAccess a = access("laptop.local");
        assertTrue(a.hostAllowed("laptop.local:8765"));
        assertFalse(a.hostAllowed("other.local:8765"));
    }

    @Test
    void beforeItIsBoundNoHostIsAccepted() {
        WebAccess a = new WebAccess("t", null);
        assertFalse(a.hostAllowed("127.0.0.1:80"));
    }

    @Test
    void theOriginMustBeThisPage() {
        WebAccess a = access(null);
        assertTrue(a.originAllowed("http://127.0.0.1:8765", "127.0.0.1:8765"));
        assertFalse(a.originAllowed("http://attacker.example", "127.0.0.1:8765"));
        assertFalse(a.originAllowed("null", "127.0.0.1:8765"));
        assertFalse(a.originAllowed("https://127.0.0.1:8765", "127.0.0.1:8765"));
        assertFalse(a.originAllowed(null, "127.0.0.1:8765"));
    }

    @Test
    void tokensAreLongRandomAndCompared() {
        String t = WebAccess.newToken();
        assertEquals(43, t.length(), "256 bits in base64url");
        assertTrue(t.matches("[A-Za-z0-9_-]+"), t);
        assertNotEquals(t, WebAccess.newToken());
        WebAccess a = access(null);
        assertTrue(a.tokenMatches("secret-token"));
        assertFalse(a.tokenMatches("secret-tokeN"));
        assertFalse(a.tokenMatches("secret-token "));
        assertFalse(a.tokenMatches(""));
        assertFalse(a.tokenMatches(null));
        assertEquals("analyzer-token-8765", a.cookieName());
    }
}
