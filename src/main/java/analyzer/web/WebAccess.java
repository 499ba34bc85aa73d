package analyzer.web;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use the page: whoever holds the token printed at start, through a Host this server answers to. The
 * token comes in the URL once ({@code ?token=}), after which the server sets it as a strict same-site cookie and
 * takes the token out of the address bar (a projector shows the address bar); scripts may send {@code
 * Authorization: Bearer TOKEN}. The Host header must name this server by address or as localhost (a page on another
 * site that rebinds its own name to 127.0.0.1 sends its own name), and an Origin, when sent, must be this server's.
 */
final class WebAccess {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String token;
    private final byte[] tokenBytes;
    /** The port the page is served on, known once it is bound (until then every Host is refused). */
    private volatile int port = -1;
    private final Set<String> names;

    /** @param listenHost the host it was asked to listen on (a name given with --web-listen is accepted as Host) */
    WebAccess(String token, String listenHost) {
        this.token = token;
        this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
        String given = listenHost == null ? "" : listenHost.toLowerCase(Locale.ROOT);
        this.names = given.isEmpty() || isAddress(given) ? Set.of("localhost") : Set.of("localhost", given);
    }

    /** 256 random bits, URL-safe. */
    static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    void port(int port) {
        this.port = port;
    }

    String token() {
        return token;
    }

    /** The cookie carrying the token: named after the port, as cookies do not tell ports apart. */
    String cookieName() {
        return "analyzer-token-" + port;
    }

    /** Compared in constant time, so the time a wrong guess takes says nothing about the right one. */
    boolean tokenMatches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(tokenBytes, candidate.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Whether the Host header names this server: an IP address (v4, or v6 in brackets) or localhost — or the name
     * it was told to listen on — with this server's port.
     */
    boolean hostAllowed(String host) {
        if (host == null || host.isEmpty() || host.length() > 300) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        String name;
        String portPart;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = h.substring(1, close);
            portPart = h.substring(close + 1);
            if (!isAddress(name) || name.indexOf(':') < 0) {
                return false;
            }
        } else {
            int colon = h.lastIndexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
            portPart = colon < 0 ? "" : h.substring(colon);
            if (name.indexOf(':') >= 0) {
                return false;
            }
            if (!names.contains(name) && !isAddress(name)) {
                return false;
            }
        }
        int p = port;
        return p > 0 && (portPart.equals(":" + p) || (portPart.isEmpty() && p == 80));
    }

    /** Whether a request's Origin is this very page: {@code http://} and the Host it came with. */
    boolean originAllowed(String origin, String host) {
        return origin != null && host != null && origin.toLowerCase(Locale.ROOT).equals("http://"
                + host.toLowerCase(Locale.ROOT));
    }

    /** A literal IPv4 or IPv6 address, never a name to resolve. */
    static boolean isAddress(String s) {
        if (s.isEmpty()) {
            return false;
        }
        boolean v6 = s.indexOf(':') >= 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = v6 ? (c == ':' || c == '.' || Character.digit(c, 16) >= 0) : (c == '.' || (c >= '0' && c <= '9'));
            if (!ok) {
                return false;
            }
        }
        if (!v6) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return false;
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                    return false;
                }
            }
            return true;
        }
        try {
            // A literal only: InetAddress parses it without a lookup because it contains ':'.
            return InetAddress.getByName(s) != null;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
