package analyzer.dissect.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;

/**
 * HKDF (RFC 5869) and the TLS 1.3 labels on top of it (RFC 8446 section 7.1), on the JDK's HMAC. QUIC derives its
 * Initial and packet protection keys with the same {@link #expandLabel} (RFC 9001 section 5: "quic key", "quic iv",
 * "quic hp", "client in", "server in").
 */
public final class Hkdf {

    private static final byte[] TLS13_PREFIX = "tls13 ".getBytes(StandardCharsets.US_ASCII);

    private Hkdf() {
    }

    /** HKDF-Extract(salt, IKM); an empty salt means HashLen zero bytes. */
    public static byte[] extract(TlsHash hash, byte[] salt, byte[] ikm) {
        return hash.newMac(salt).doFinal(ikm);
    }

    /** HKDF-Expand(PRK, info, L). */
    public static byte[] expand(TlsHash hash, byte[] prk, byte[] info, int length) {
        if (length < 0 || length > 255 * hash.length()) {
            throw new IllegalArgumentException("HKDF cannot expand to " + length + " bytes with " + hash);
        }
        Mac mac = hash.newMac(prk);
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        int filled = 0;
        for (int counter = 1; filled < length; counter++) {
            mac.update(block);
            mac.update(info);
            mac.update((byte) counter);
            block = mac.doFinal();
            int n = Math.min(block.length, length - filled);
            System.arraycopy(block, 0, out, filled, n);
            filled += n;
        }
        return out;
    }

    /** HKDF-Expand-Label(Secret, Label, Context, Length): the label is given without its "tls13 " prefix. */
    public static byte[] expandLabel(TlsHash hash, byte[] secret, String label, byte[] context, int length) {
        return expand(hash, secret, hkdfLabel(label, context, length), length);
    }

    /** Derive-Secret(Secret, Label, Messages) given the transcript hash of the messages. */
    public static byte[] deriveSecret(TlsHash hash, byte[] secret, String label, byte[] transcriptHash) {
        return expandLabel(hash, secret, label, transcriptHash, hash.length());
    }

    /** The HkdfLabel structure: uint16 length, opaque label<7..255> ("tls13 " + label), opaque context<0..255>. */
    static byte[] hkdfLabel(String label, byte[] context, int length) {
        byte[] name = label.getBytes(StandardCharsets.US_ASCII);
        int labelLength = TLS13_PREFIX.length + name.length;
        if (labelLength > 255 || context.length > 255) {
            throw new IllegalArgumentException("HKDF label or context too long: " + label);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(4 + labelLength + context.length);
        out.write(length >>> 8);
        out.write(length);
        out.write(labelLength);
        out.writeBytes(TLS13_PREFIX);
        out.writeBytes(name);
        out.write(context.length);
        out.writeBytes(context);
        return out.toByteArray();
    }
}
