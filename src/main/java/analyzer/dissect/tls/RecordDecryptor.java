package analyzer.dissect.tls;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens the protected records of one direction under one set of keys, counting their sequence numbers. Not
 * thread-safe; each direction has its own. A record that does not authenticate leaves the decryptor as it was, so
 * a wrong key is noticed without losing the stream's place.
 */
public abstract class RecordDecryptor {

    /** The opened record: {@code length} bytes of plaintext at the start of {@link #plaintext()}. */
    protected byte[] plaintext = new byte[18432];
    protected int plaintextLength;
    protected int contentType;
    protected long sequence;
    protected final Cipher cipher;
    protected final SecretKeySpec key;

    protected RecordDecryptor(CipherSuite.Bulk bulk, byte[] key) {
        try {
            this.cipher = Cipher.getInstance(bulk.transformation());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot run " + bulk.transformation(), e);
        }
        this.key = new SecretKeySpec(key, bulk.keyAlgorithm());
    }

    /**
     * Decrypts one record's payload (after its 5-byte header) and checks its integrity.
     *
     * @param contentType the record header's type (application_data for every TLS 1.3 protected record)
     * @param version     the record header's version, part of the authenticated data
     * @return whether it opened; then {@link #plaintext()}, {@link #length()} and {@link #contentType()} hold it
     */
    public abstract boolean open(int contentType, int version, byte[] record, int offset, int length);

    public byte[] plaintext() {
        return plaintext;
    }

    public int length() {
        return plaintextLength;
    }

    /** The real content type: the header's under TLS 1.2, the inner one under TLS 1.3. */
    public int contentType() {
        return contentType;
    }

    /** Records opened so far under these keys. */
    public long sequence() {
        return sequence;
    }

    protected void ensureCapacity(int n) {
        if (plaintext.length < n) {
            plaintext = new byte[n];
        }
    }

    protected static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }
}
