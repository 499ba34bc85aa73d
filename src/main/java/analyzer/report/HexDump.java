package analyzer.report;

/** Wireshark-style hex dump: offset, 16 bytes in two groups of 8, then the printable ASCII. */
public final class HexDump {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private HexDump() {
    }

    static void append(Utf8Text out, String indent, byte[] data, int offset, int length) {
        for (int line = 0; line < length; line += 16) {
            out.append(indent);
            appendHex4(out, line);
            out.append("  ");
            int n = Math.min(16, length - line);
            for (int i = 0; i < 16; i++) {
                if (i == 8) {
                    out.append(' ');
                }
                if (i < n) {
                    int b = data[offset + line + i] & 0xff;
                    out.append(HEX[b >> 4]).append(HEX[b & 0xf]).append(' ');
                } else {
                    out.append("   ");
                }
            }
            out.append(' ');
            for (int i = 0; i < n; i++) {
                int b = data[offset + line + i] & 0xff;
                out.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            out.append('\n');
        }
    }

    private static void appendHex4(Utf8Text out, int value) {
        for (int shift = 12; shift >= 0; shift -= 4) {
            out.append(HEX[(value >> shift) & 0xf]);
        }
    }

    /** Lower-case hex of the bytes, no separators. */
    public static String hex(byte[] data, int offset, int length) {
        char[] chars = new char[length * 2];
        for (int i = 0; i < length; i++) {
            int b = data[offset + i] & 0xff;
            chars[2 * i] = HEX[b >> 4];
            chars[2 * i + 1] = HEX[b & 0xf];
        }
        return new String(chars);
    }
}
