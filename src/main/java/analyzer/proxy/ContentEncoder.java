package analyzer.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes a rewritten body again as the original was, so the client gets the coding it was sent: gzip and deflate
 * (zlib-wrapped). Decoding is {@link analyzer.dissect.ContentDecoder}'s. A br body goes on decoded, without its
 * Content-Encoding: no brotli encoder is at hand. Others (zstd, stacked codings) are not decoded at all; such
 * bodies are relayed unmodified.
 */
final class ContentEncoder {

    private ContentEncoder() {
    }

    /** The coding in canonical form ("gzip", "deflate", "br"), "" for none, or null when not supported. */
    static String canonical(String contentEncoding) {
        if (contentEncoding == null) {
            return "";
        }
        String c = contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (c) {
            case "", "identity" -> "";
            case "gzip", "x-gzip" -> "gzip";
            case "deflate", "x-deflate" -> "deflate";
            case "br" -> "br";
            default -> null;
        };
    }

    /** The coding a rewritten body is sent in: the original one, or none ("") when it cannot be made again. */
    static String sentAs(String coding) {
        return "br".equals(coding) ? "" : coding;
    }

    /** @param coding a value returned by {@link #sentAs} */
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
}
