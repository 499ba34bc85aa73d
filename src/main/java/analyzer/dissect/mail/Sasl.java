package analyzer.dissect.mail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL responses that carry a password or token in clear, only base64-encoded (RFC 4616 PLAIN, the LOGIN
 * mechanism, XOAUTH2), as SMTP AUTH, IMAP AUTHENTICATE and POP3 AUTH send them.
 */
final class Sasl {

    /** What one response said; either part may be null. */
    record Login(String user, String secret) {
    }

    private Sasl() {
    }

    /** base64 to text, or null when it is not base64 ("*" cancels an exchange; "=" is an empty response). */
    static String decode(String base64) {
        String s = base64.strip();
        if (s.equals("=")) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** PLAIN: [authzid] NUL authcid NUL passwd. */
    static Login plain(String base64) {
        String s = decode(base64);
        if (s == null) {
            return null;
        }
        String[] parts = s.split("\u0000", -1);
        if (parts.length != 3) {
            return null;
        }
        return new Login(parts[1].isEmpty() ? parts[0] : parts[1], parts[2]);
    }

    /** XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A. */
    static Login xoauth2(String base64) {
        String s = decode(base64);
        if (s == null) {
            return null;
        }
        String user = null;
        String token = null;
        for (String field : s.split("\u0001")) {
            if (field.startsWith("user=")) {
                user = field.substring(5);
            } else if (field.startsWith("auth=")) {
                token = field.substring(5);
            }
        }
        return user == null && token == null ? null : new Login(user, token);
    }

    /** CRAM-MD5's response: the user name and a digest of the challenge — the password itself never crosses. */
    static String cramUser(String base64) {
        String s = decode(base64);
        if (s == null) {
            return null;
        }
        int space = s.lastIndexOf(' ');
        return space > 0 ? s.substring(0, space) : s;
    }
}
