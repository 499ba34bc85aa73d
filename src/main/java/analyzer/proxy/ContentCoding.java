package analyzer.proxy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

/**
 * Undoes and redoes a body's Content-Encoding so a rewrite works on the text the client will see: identity,
 * gzip and deflate (zlib-wrapped, or raw as some servers send it). Others (br, zstd, stacked codings) are not
 * supported; such bodies are relayed unmodified.
 */
final class ContentCoding {

    private ContentCoding() {
    }

    /** The coding in canonical form ("gzip", "deflate"), "" for none, or null when not supported. */
    static String canonical(String contentEncoding) {
        if (contentEncoding == null) {
            return "";
        }
        String c = contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (c) {
            case "", "identity" -> "";
            case "gzip", "x-gzip" -> "gzip";
            case "deflate" -> "deflate";
            default -> null;
        };
    }

    /**
     * @param coding a value returned by {@link #canonical}
     * @param limit  decoded bytes allowed, so a small compressed body cannot expand without bound
     * @throws IOException when the body is not valid in that coding or decodes to more than {@code limit}
     */
    static byte[] decode(String coding, byte[] body, int limit) throws IOException {
        return switch (coding) {
            case "" -> body;
            case "gzip" -> readAll(new GZIPInputStream(new ByteArrayInputStream(body)), limit);
            case "deflate" -> inflate(body, limit);
            default -> throw new IllegalArgumentException("unsupported coding " + coding);
        };
    }

    static byte[] encode(String coding, byte[] body) {
        try {
            switch (coding) {
                case "":
                    return body;
                case "gzip": {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 32);
                    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                        gz.write(body);
                    }
                    return out.toByteArray();
                }
                case "deflate": {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 16);
                    try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater())) {
                        z.write(body);
                    }
                    return out.toByteArray();
                }
                default:
                    throw new IllegalArgumentException("unsupported coding " + coding);
            }
        } catch (IOException e) {
            throw new IllegalStateException("compressing in memory failed", e);
        }
    }

    private static byte[] inflate(byte[] body, int limit) throws IOException {
        try {
            return inflate(body, limit, false);
        } catch (DataFormatException zlibFailed) {
            try {
                return inflate(body, limit, true);
            } catch (DataFormatException e) {
                throw new IOException("not valid deflate data: " + e.getMessage(), e);
            }
        }
    }

    private static byte[] inflate(byte[] body, int limit, boolean raw) throws DataFormatException, IOException {
        Inflater inflater = new Inflater(raw);
        try {
            inflater.setInput(body);
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 2 + 16);
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("the data ends before the compressed stream does");
                }
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    throw new IOException("it decodes to more than " + limit + " bytes");
                }
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }

    private static byte[] readAll(InputStream in, int limit) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    throw new IOException("it decodes to more than " + limit + " bytes");
                }
            }
            return out.toByteArray();
        }
    }
}
