package analyzer.workshop;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The secret server's pages, without any I/O: a request goes in, a reply comes out. Routes:
 * {@code GET /} the secret (or its Fernet token), {@code GET /secure} whether the request came over TLS,
 * {@code GET|POST /login}, {@code GET /members}, {@code POST /logout}. Thread-safe.
 */
final class SecretSite {

    static final String SESSION_COOKIE = "session";
    static final String SECURE_ANSWER = "SUCCESS: This request is using HTTPS.";
    static final String INSECURE_ANSWER = "WARNING: This request is NOT using HTTPS.";

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String LOGIN_FORM = """
            <!doctype html>
            <title>Secret Squirrels: members</title>
            <form method="post" action="/login">
              <label>username <input name="username"></label>
              <label>password <input name="password" type="password"></label>
              <button>log in</button>
            </form>
            """;

    /** One request as the site needs it. {@code secure}: it arrived over TLS. */
    record Request(String method, String uri, String cookieHeader, String contentType, byte[] body, boolean secure) {
    }

    /**
     * One reply. {@code member} names who the request was served as (logged in or logging in), for the log.
     */
    record Reply(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers,
            String member) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }
    }

    private final String message;
    private final Fernet fernet;
    private final Map<String, Member> members = new HashMap<>();
    private final SessionStore sessions;

    SecretSite(SecretServerConfig config, Clock clock) {
        this.message = config.message();
        this.fernet = config.fernetKey() == null ? null : new Fernet(config.fernetKey());
        for (Member m : config.members()) {
            members.put(m.username(), m);
        }
        this.sessions = new SessionStore(config.maxSessions(), config.sessionLifetime(), clock);
    }

    int sessions() {
        return sessions.size();
    }

    Reply handle(Request request) {
        String path = new QueryStringDecoder(request.uri()).path();
        String method = request.method();
        return switch (path) {
            case "/" -> readOnly(method, () -> text(200, fernet == null ? message
                    : fernet.encrypt(message.getBytes(StandardCharsets.UTF_8))));
            case "/secure" -> readOnly(method, () -> text(200, request.secure() ? SECURE_ANSWER : INSECURE_ANSWER));
            case "/login" -> switch (method) {
                case "GET", "HEAD" -> reply(200, HTML, LOGIN_FORM, List.of(), null);
                case "POST" -> login(request);
                default -> notAllowed("GET, HEAD, POST");
            };
            case "/members" -> readOnly(method, () -> membersPage(request));
            case "/logout" -> method.equals("POST") ? logout(request) : notAllowed("POST");
            default -> text(404, "Not found: " + path + "\n");
        };
    }

    private interface Page {
        Reply render();
    }

    private static Reply readOnly(String method, Page page) {
        return method.equals("GET") || method.equals("HEAD") ? page.render() : notAllowed("GET, HEAD");
    }

    private Reply login(Request request) {
        String type = request.contentType() == null ? FORM
                : request.contentType().toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        if (!type.equals(FORM)) {
            return text(415, "Send the login as a form (" + FORM + "): username=…&password=…\n");
        }
        Map<String, List<String>> form = new QueryStringDecoder(
                new String(request.body(), StandardCharsets.UTF_8), StandardCharsets.UTF_8, false).parameters();
        String username = first(form, "username");
        String password = first(form, "password");
        if (username == null || password == null) {
            return text(400, "Send username and password, e.g. username=alice&password=…\n");
        }
        Member member = members.get(username);
        if (member == null || !constantTimeEquals(member.password(), password)) {
            return reply(401, TEXT, "Wrong username or password.\n", List.of(), null);
        }
        String token = sessions.open(member.username());
        return reply(200, TEXT, "Welcome, " + member.username() + ". You are logged in: your session cookie opens"
                + " /members.\n", List.of(Map.entry("Set-Cookie", sessionCookie(token, request.secure(), false))),
                member.username());
    }

    private Reply membersPage(Request request) {
        Optional<Member> member = sessions.member(sessionToken(request)).map(members::get);
        if (member.isEmpty()) {
            // 401 rather than a redirect: a script (or the demo) sees at once that the cookie was refused.
            return text(401, "Members only: log in first (POST /login with username and password).\n");
        }
        Member m = member.get();
        return reply(200, TEXT, "Welcome, " + m.username() + ".\nMembers only: " + m.note() + "\n", List.of(),
                m.username());
    }

    private Reply logout(Request request) {
        String token = sessionToken(request);
        String who = sessions.member(token).orElse(null);
        sessions.close(token);
        return reply(200, TEXT, who == null ? "You were not logged in.\n" : "Goodbye, " + who + ".\n",
                List.of(Map.entry("Set-Cookie", sessionCookie("", request.secure(), true))), who);
    }

    private static String sessionToken(Request request) {
        if (request.cookieHeader() == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(request.cookieHeader())) {
            if (c.name().equals(SESSION_COOKIE)) {
                return c.value();
            }
        }
        return null;
    }

    private static String sessionCookie(String token, boolean secure, boolean expire) {
        DefaultCookie cookie = new DefaultCookie(SESSION_COOKIE, token);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        // Secure keeps the browser from ever sending the cookie over plain HTTP once the club serves HTTPS.
        cookie.setSecure(secure);
        cookie.setSameSite(CookieHeaderNames.SameSite.Lax);
        if (expire) {
            cookie.setMaxAge(0);
        }
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static boolean constantTimeEquals(String expected, String given) {
        return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply notAllowed(String allow) {
        return reply(405, TEXT, "Method not allowed; use " + allow + ".\n", List.of(Map.entry("Allow", allow)), null);
    }

    private static Reply text(int status, String body) {
        return reply(status, TEXT, body, List.of(), null);
    }

    private static Reply reply(int status, String type, String body, List<Map.Entry<String, String>> headers,
            String member) {
        return new Reply(status, type, body.getBytes(StandardCharsets.UTF_8), List.copyOf(headers), member);
    }
}
