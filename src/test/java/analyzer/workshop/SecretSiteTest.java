package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The secret server's pages without sockets: routes, login, sessions, their bounds. */
class SecretSiteTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();

    private SecretSite site(SecretServerConfig config) {
        return new SecretSite(config, clock);
    }

    private static SecretSite.Request get(String uri, String cookie, boolean secure) {
        return new SecretSite.Request("GET", uri, cookie, null, new byte[0], secure);
    }

    private static SecretSite.Request login(String body) {
        return new SecretSite.Request("POST", "/login", null, FORM, body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static String cookie(SecretSite.Reply reply) {
        String setCookie = reply.header("Set-Cookie");
        assertNotNull(setCookie, "no Set-Cookie in " + reply);
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void servesTheSecretTheHttpsAnswerAndRefusesTheRest() {
        SecretSite site = site(SecretServerConfig.defaults());
        assertEquals("fluffy tail", site.handle(get("/", null, false)).text());
        assertEquals("fluffy tail", site.handle(get("/?x=1", null, false)).text());
        assertEquals("WARNING: This request is NOT using HTTPS.", site.handle(get("/secure", null, false)).text());
        assertEquals("SUCCESS: This request is using HTTPS.", site.handle(get("/secure", null, true)).text());
        assertEquals(404, site.handle(get("/nope", null, false)).status());
        SecretSite.Reply post = site.handle(new SecretSite.Request("POST", "/", null, null, new byte[0], false));
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.header("Allow"));
        assertEquals("POST", site.handle(get("/logout", null, false)).header("Allow"));
    }

    @Test
    void fernetModeAnswersATokenThatDecryptsToTheSecret() throws Exception {
        String key = Fernet.generateKey();
        SecretSite site = site(SecretServerConfig.defaults().withFernetKey(key));
        String token = site.handle(get("/", null, false)).text();
        assertTrue(token.startsWith("gAAAAA"), token);
        assertEquals("fluffy tail", new String(new Fernet(key).decrypt(token), StandardCharsets.UTF_8));
    }

    @Test
    void loginOpensTheMembersPageForWhoeverHoldsTheCookie() {
        SecretSite site = site(SecretServerConfig.defaults());
        SecretSite.Reply ok = site.handle(login("username=alice&password=wonderland"));
        assertEquals(200, ok.status());
        assertEquals("alice", ok.member());
        String setCookie = ok.header("Set-Cookie");
        assertTrue(setCookie.startsWith("session="), setCookie);
        assertTrue(setCookie.toLowerCase().contains("; httponly"), setCookie);
        assertTrue(!setCookie.contains("; Secure"), "no Secure attribute over plain HTTP: " + setCookie);

        SecretSite.Reply page = site.handle(get("/members", cookie(ok), false));
        assertEquals(200, page.status());
        assertTrue(page.text().startsWith("Welcome, alice.\nMembers only: The next meeting"), page.text());
        assertEquals("alice", page.member());

        assertEquals(401, site.handle(get("/members", null, false)).status());
        assertEquals(401, site.handle(get("/members", "session=0123456789abcdef", false)).status());
        assertEquals(401, site.handle(login("username=alice&password=wrong")).status());
        assertEquals(401, site.handle(login("username=mallory&password=wonderland")).status());
        assertEquals(400, site.handle(login("username=alice")).status());
        assertEquals(415, site.handle(new SecretSite.Request("POST", "/login", null, "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), false)).status());
    }

    @Test
    void sessionCookieIsSecureOverTls() {
        SecretSite site = site(SecretServerConfig.defaults());
        SecretSite.Reply ok = site.handle(new SecretSite.Request("POST", "/login", null, FORM,
                "username=bob&password=hazelnuts".getBytes(StandardCharsets.UTF_8), true));
        assertTrue(ok.header("Set-Cookie").contains("; Secure"), ok.header("Set-Cookie"));
    }

    @Test
    void logoutEndsTheSession() {
        SecretSite site = site(SecretServerConfig.defaults());
        String cookie = cookie(site.handle(login("username=bob&password=hazelnuts")));
        SecretSite.Reply bye = site.handle(new SecretSite.Request("POST", "/logout", cookie, null, new byte[0], false));
        assertEquals("Goodbye, bob.\n", bye.text());
        assertTrue(bye.header("Set-Cookie").contains("Max-Age=0"), bye.header("Set-Cookie"));
        assertEquals(401, site.handle(get("/members", cookie, false)).status());
    }

    @Test
    void sessionsAreBoundedInNumberAndAge() {
        SecretSite site = site(SecretServerConfig.defaults().withSessions(3, Duration.ofMinutes(10)));
        String first = cookie(site.handle(login("username=alice&password=wonderland")));
        for (int i = 0; i < 3; i++) {
            site.handle(login("username=bob&password=hazelnuts"));
        }
        assertEquals(3, site.sessions());
        assertEquals(401, site.handle(get("/members", first, false)).status(), "the oldest login was dropped");

        String fresh = cookie(site.handle(login("username=alice&password=wonderland")));
        assertEquals(200, site.handle(get("/members", fresh, false)).status());
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        assertEquals(401, site.handle(get("/members", fresh, false)).status(), "expired");
    }

    @Test
    void sessionTokensAreUnguessable() {
        SecretSite site = site(SecretServerConfig.defaults());
        String a = cookie(site.handle(login("username=alice&password=wonderland")));
        String b = cookie(site.handle(login("username=alice&password=wonderland")));
        assertTrue(a.matches("session=[0-9a-f]{32}"), a);
        assertTrue(!a.equals(b));
        assertNull(site.handle(get("/members", a.toUpperCase(), false)).member());
    }
}
