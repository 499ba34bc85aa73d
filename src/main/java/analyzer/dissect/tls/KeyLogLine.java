package analyzer.dissect.tls;

import java.util.Set;

/**
 * One line of the NSS key log format that curl, browsers, Python ({@code SSLKEYLOGFILE}) and {@code openssl s_client
 * -keylogfile} write: {@code LABEL <client random, 32 bytes hex> <secret hex>}.
 */
record KeyLogLine(String label, byte[] clientRandom, byte[] secret) {

    /** The labels we use, with the secret lengths they may have (48 for a master secret, 32/48 for TLS 1.3). */
    static final Set<String> USED = Set.of("CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET",
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
            "SERVER_TRAFFIC_SECRET_0");

    static final int MAX_LINE = 1024;

    /** A line that is neither a comment nor blank nor a key, with why. */
    static final class Malformed extends Exception {
        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * Parses one line (without its end of line).
     *
     * @return the line, or null for a comment, a blank line, or a well-formed line whose label we do not use
     *         (EXPORTER_SECRET, RSA …)
     */
    static KeyLogLine parse(CharSequence line) throws Malformed {
        String s = line.toString().strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return null;
        }
        if (s.length() > MAX_LINE) {
            throw new Malformed("longer than " + MAX_LINE + " characters");
        }
        String[] fields = s.split("\\s+");
        if (fields.length != 3) {
            throw new Malformed("expected LABEL CLIENT_RANDOM SECRET, found " + fields.length + " field"
                    + (fields.length == 1 ? "" : "s"));
        }
        String label = fields[0];
        if (!label.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            throw new Malformed("'" + shorten(label) + "' is not a key log label");
        }
        if (!USED.contains(label)) {
            return null;
        }
        byte[] random = hex(fields[1], "client random");
        if (random.length != 32) {
            throw new Malformed("the client random has " + random.length + " bytes, not 32");
        }
        byte[] secret = hex(fields[2], "secret");
        boolean master = label.equals("CLIENT_RANDOM");
        if (master ? secret.length != 48 : secret.length != 32 && secret.length != 48) {
            throw new Malformed("a " + label + " secret of " + secret.length + " bytes (expected "
                    + (master ? "48" : "32 or 48") + ")");
        }
        return new KeyLogLine(label, random, secret);
    }

    private static byte[] hex(String field, String what) throws Malformed {
        if ((field.length() & 1) != 0) {
            throw new Malformed("the " + what + " is not whole bytes of hex");
        }
        byte[] out = new byte[field.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(field.charAt(2 * i), 16);
            int lo = Character.digit(field.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new Malformed("the " + what + " is not hex");
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static String shorten(String s) {
        return s.length() <= 24 ? s : s.substring(0, 24) + "…";
    }
}
