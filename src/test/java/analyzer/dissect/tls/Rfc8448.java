package analyzer.dissect.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** The values of RFC 8448's simple 1-RTT trace, from src/test/resources/tls/rfc8448-simple-1rtt.txt. */
final class Rfc8448 {

    private static final Map<String, byte[]> VALUES = load();

    private Rfc8448() {
    }

    static byte[] get(String name) {
        byte[] v = VALUES.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no value " + name + " in the RFC 8448 file");
        }
        return v.clone();
    }

    /** The payload of a record (after its 5-byte header). */
    static byte[] payload(String recordName) {
        byte[] record = get(recordName);
        return java.util.Arrays.copyOfRange(record, 5, record.length);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s:]", ""));
    }

    private static Map<String, byte[]> load() {
        String text;
        try (InputStream in = Rfc8448.class.getResourceAsStream("/tls/rfc8448-simple-1rtt.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, StringBuilder> raw = new LinkedHashMap<>();
        StringBuilder current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (!line.startsWith(" ") && colon > 0) {
                current = new StringBuilder(line.substring(colon + 1));
                raw.put(line.substring(0, colon), current);
            } else if (current != null) {
                current.append(line);
            }
        }
        Map<String, byte[]> values = new LinkedHashMap<>();
        raw.forEach((k, v) -> values.put(k, hex(v.toString())));
        return values;
    }
}
