package analyzer.report;

import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an eavesdropper takes away from one plaintext HTTP message besides its request line: credentials
 * (Authorization headers, password fields in a form or a query string) and session tokens (Cookie, Set-Cookie).
 * Values are shortened for display so a projector does not show a whole password; the point is that it travelled
 * in clear.
 */
public final class Leaks {

    /** What kind of secret travelled in clear. */
    public enum Kind {
        CREDENTIALS("credentials"), SESSION("session");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** @param detail what was seen, shortened, e.g. {@code password=wo…} or {@code Cookie: session=7f3a…} */
    public record Leak(Kind kind, String detail) {
    }

    private static final Set<String> PASSWORD_FIELDS = Set.of("password", "passwd", "pass", "pwd", "passphrase",
            "secret", "token", "api_key", "apikey");

    private Leaks() {
    }

    public static List<Leak> of(HttpRequestSeen request) {
        List<Leak> leaks = new ArrayList<>();
        for (HttpHeader h : request.headers()) {
            if (named(h, "authorization") || named(h, "proxy-authorization")) {
                leaks.add(new Leak(Kind.CREDENTIALS, h.name() + ": " + authorization(h.value())));
            } else if (named(h, "cookie")) {
                leaks.add(new Leak(Kind.SESSION, h.name() + ": " + cookies(h.value())));
            }
        }
        int query = request.uri().indexOf('?');
        if (query >= 0) {
            formFields(request.uri().substring(query + 1), "in the URL", leaks);
        }
        if (isForm(request.headers()) && request.body().text()) {
            formFields(new String(request.body().shown(), StandardCharsets.UTF_8), "in the form", leaks);
        }
        return leaks;
    }

    public static List<Leak> of(HttpResponseSeen response) {
        List<Leak> leaks = new ArrayList<>();
        for (HttpHeader h : response.headers()) {
            if (h.name().equalsIgnoreCase("set-cookie")) {
                String pair = h.value();
                int semi = pair.indexOf(';');
                leaks.add(new Leak(Kind.SESSION, h.name() + ": " + cookies(semi < 0 ? pair : pair.substring(0, semi))));
            }
        }
        return leaks;
    }

    /**
     * Whether the header's name, lower-cased, is {@code lower}. Runs for every header of every request printed, so
     * an ASCII name (all that HTTP allows) is compared in place; only another name is lower-cased first, as its
     * lower case may be ASCII (the Kelvin sign's is 'k').
     */
    private static boolean named(HttpHeader h, String lower) {
        String name = h.name();
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return name.toLowerCase(Locale.ROOT).equals(lower);
            }
        }
        return name.length() == lower.length() && name.equalsIgnoreCase(lower);
    }

    /** Whether the body text contains {@code secret}; bodies are searched after content decoding. */
    public static boolean bodyContains(HttpBody body, byte[] secret) {
        return SecretScanner.indexOf(body.shown(), 0, body.shown().length, secret) >= 0;
    }

    private static boolean isForm(List<HttpHeader> headers) {
        for (HttpHeader h : headers) {
            if (h.name().equalsIgnoreCase("content-type")
                    && h.value().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                return true;
            }
        }
        return false;
    }

    private static void formFields(String encoded, String where, List<Leak> leaks) {
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = decode(pair.substring(0, eq));
            if (PASSWORD_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
                leaks.add(new Leak(Kind.CREDENTIALS, name + "=" + shorten(decode(pair.substring(eq + 1))) + " " + where));
            }
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String authorization(String value) {
        int space = value.indexOf(' ');
        return space < 0 ? shorten(value) : value.substring(0, space) + " " + shorten(value.substring(space + 1));
    }

    /** "session=7f3a9c…; theme=da…" */
    private static String cookies(String value) {
        StringBuilder sb = new StringBuilder();
        for (String pair : value.split(";")) {
            String p = pair.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            sb.append(sb.length() > 0 ? "; " : "")
                    .append(eq < 0 ? shorten(p) : p.substring(0, eq + 1) + shorten(p.substring(eq + 1)));
        }
        return sb.toString();
    }

    /** Keeps a recognisable prefix: at most 4 characters, and never more than half of the value. */
    static String shorten(String value) {
        if (value.isEmpty()) {
            return "(empty)";
        }
        int keep = Math.min(4, value.length() / 2);
        return value.substring(0, keep) + "…";
    }
}
