package analyzer.leaks;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The forms a payload's text may hide a secret in, each undone: percent-encoding (a query string, a form), JSON
 * string escapes ({@code \u0020}, {@code \"}), and base64 (Basic credentials, SMTP AUTH, tokens, data fields),
 * the base64-decoded runs looked through once more. Bounded: at most {@link #MAX_RUNS} base64 runs per payload, and
 * no derived form longer than its source.
 */
public final class ContentDecodings {

    /** One form of the payload and how it was obtained ("" for the payload itself). */
    public record Form(String decoding, byte[] bytes) {
    }

    static final int MAX_RUNS = 256;
    private static final int MIN_BASE64_RUN = 8;

    private ContentDecodings() {
    }

    /** The payload, then each decoded form that differs from it. */
    public static List<Form> of(byte[] payload) {
        List<Form> forms = new ArrayList<>(4);
        forms.add(new Form("", payload));
        addUndone(forms, "", payload);
        int runs = 0;
        for (byte[] run : base64Runs(payload)) {
            if (++runs > MAX_RUNS) {
                break;
            }
            byte[] decoded = base64(run);
            if (decoded != null && decoded.length > 0) {
                forms.add(new Form("base64-decoded", decoded));
                addUndone(forms, "base64-decoded, ", decoded);
            }
        }
        return forms;
    }

    private static void addUndone(List<Form> forms, String prefix, byte[] bytes) {
        byte[] url = percentDecoded(bytes);
        if (url != null) {
            forms.add(new Form(prefix + "URL-decoded", url));
        }
        byte[] json = jsonUnescaped(bytes);
        if (json != null) {
            forms.add(new Form(prefix + "JSON-unescaped", json));
        }
    }

    /** Percent-decoding with '+' as a space (forms); null when nothing was encoded. Bad escapes stay as they are. */
    static byte[] percentDecoded(byte[] b) {
        boolean any = false;
        for (byte x : b) {
            any |= x == '%' || x == '+';
        }
        if (!any) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        for (int i = 0; i < b.length; i++) {
            int hi;
            int lo;
            if (b[i] == '%' && i + 2 < b.length && (hi = hex(b[i + 1])) >= 0 && (lo = hex(b[i + 2])) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b[i] == '+' ? ' ' : b[i]);
            }
        }
        return out.toByteArray();
    }

    /** JSON string escapes undone (\" \\ \/ \b \f \n \r \t \\uXXXX, surrogate pairs joined); null when none. */
    static byte[] jsonUnescaped(byte[] b) {
        boolean any = false;
        for (byte x : b) {
            any |= x == '\\';
        }
        if (!any) {
            return null;
        }
        StringBuilder sb = new StringBuilder(b.length);
        String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(i + 1);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int code = hex4(s, i + 2);
                    if (code < 0) {
                        sb.append(c).append(e);
                    } else {
                        sb.append((char) code);
                        i += 4;
                    }
                }
                default -> sb.append(c).append(e);
            }
            i++;
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The JSON-unescaped bytes, or the bytes themselves when nothing was escaped. */
    static byte[] jsonUnescapedOrSame(byte[] b) {
        byte[] u = jsonUnescaped(b);
        return u == null ? b : u;
    }

    private static int hex4(String s, int at) {
        if (at + 4 > s.length()) {
            return -1;
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = hex((byte) s.charAt(at + k));
            if (d < 0 || s.charAt(at + k) > 0x7f) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Maximal runs of base64 characters (either alphabet) of at least {@value #MIN_BASE64_RUN}, padding included. */
    static List<byte[]> base64Runs(byte[] b) {
        List<byte[]> runs = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= b.length; i++) {
            boolean in = i < b.length && isBase64(b[i]);
            if (in && start < 0) {
                start = i;
            } else if (!in && start >= 0) {
                int end = i;
                while (end < b.length && end - i < 2 && b[end] == '=') {
                    end++;
                }
                if (end - start >= MIN_BASE64_RUN) {
                    runs.add(java.util.Arrays.copyOfRange(b, start, end));
                }
                start = -1;
                if (runs.size() > MAX_RUNS) {
                    break;
                }
            }
        }
        return runs;
    }

    private static boolean isBase64(byte c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                || c == '-' || c == '_';
    }

    /** Decodes a run in whichever alphabet it uses, padding optional; a trailing partial group is dropped. */
    static byte[] base64(byte[] run) {
        int end = run.length;
        while (end > 0 && run[end - 1] == '=') {
            end--;
        }
        boolean urlSafe = false;
        boolean standard = false;
        for (int i = 0; i < end; i++) {
            urlSafe |= run[i] == '-' || run[i] == '_';
            standard |= run[i] == '+' || run[i] == '/';
        }
        if (urlSafe && standard) {
            return null;
        }
        int usable = end - (end % 4 == 1 ? 1 : 0);
        byte[] body = java.util.Arrays.copyOf(run, usable);
        try {
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(padded(body));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] padded(byte[] body) {
        int pad = (4 - body.length % 4) % 4;
        byte[] padded = java.util.Arrays.copyOf(body, body.length + pad);
        for (int i = body.length; i < padded.length; i++) {
            padded[i] = '=';
        }
        return padded;
    }
}
