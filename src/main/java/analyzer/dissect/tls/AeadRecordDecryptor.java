package analyzer.dissect.tls;

import java.security.GeneralSecurityException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import java.security.spec.AlgorithmParameterSpec;

/**
 * AES-GCM and ChaCha20-Poly1305 records. TLS 1.3 (RFC 8446 section 5.2-5.3): nonce = IV XOR sequence number,
 * additional data = the record header, the real content type last in the plaintext before zero padding.
 * TLS 1.2: GCM's nonce is the 4-byte salt from the key block and 8 explicit bytes leading each record (RFC 5288),
 * ChaCha20-Poly1305's is the 12-byte IV XOR sequence number (RFC 7905); the additional data is sequence number,
 * type, version and plaintext length.
 */
final class AeadRecordDecryptor extends RecordDecryptor {

    private static final int TAG = 16;

    private final CipherSuite.Bulk bulk;
    private final byte[] iv;
    private final boolean tls13;
    private final boolean explicitNonce;
    private final byte[] nonce = new byte[12];
    private final byte[] aad;

    /** @param iv the TLS 1.3 or ChaCha20 12-byte IV, or GCM's 4-byte salt under TLS 1.2 */
    AeadRecordDecryptor(CipherSuite.Bulk bulk, byte[] key, byte[] iv, boolean tls13) {
        super(bulk, key);
        this.bulk = bulk;
        this.iv = iv.clone();
        this.tls13 = tls13;
        this.explicitNonce = !tls13 && bulk != CipherSuite.Bulk.CHACHA20_POLY1305;
        this.aad = new byte[tls13 ? 5 : 13];
    }

    @Override
    public boolean open(int headerType, int version, byte[] record, int offset, int length) {
        int explicit = explicitNonce ? 8 : 0;
        int ciphertext = length - explicit;
        if (ciphertext < TAG) {
            return false;
        }
        if (explicitNonce) {
            System.arraycopy(iv, 0, nonce, 0, 4);
            System.arraycopy(record, offset, nonce, 4, 8);
        } else {
            System.arraycopy(iv, 0, nonce, 0, 12);
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] ^= (byte) (sequence >>> (56 - 8 * i));
            }
        }
        if (tls13) {
            aad[0] = (byte) headerType;
            aad[1] = (byte) (version >>> 8);
            aad[2] = (byte) version;
            aad[3] = (byte) (length >>> 8);
            aad[4] = (byte) length;
        } else {
            putLong(aad, 0, sequence);
            aad[8] = (byte) headerType;
            aad[9] = (byte) (version >>> 8);
            aad[10] = (byte) version;
            int plain = ciphertext - TAG;
            aad[11] = (byte) (plain >>> 8);
            aad[12] = (byte) plain;
        }
        ensureCapacity(ciphertext);
        int n;
        try {
            AlgorithmParameterSpec spec = bulk == CipherSuite.Bulk.CHACHA20_POLY1305 ? new IvParameterSpec(nonce)
                    : new GCMParameterSpec(TAG * 8, nonce);
            cipher.init(javax.crypto.Cipher.DECRYPT_MODE, key, spec);
            cipher.updateAAD(aad);
            n = cipher.doFinal(record, offset + explicit, ciphertext, plaintext, 0);
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        }
        if (tls13) {
            // TLSInnerPlaintext: content, then the real type, then zeros.
            int end = n;
            while (end > 0 && plaintext[end - 1] == 0) {
                end--;
            }
            if (end == 0) {
                return false;
            }
            contentType = plaintext[end - 1] & 0xff;
            plaintextLength = end - 1;
        } else {
            contentType = headerType;
            plaintextLength = n;
        }
        sequence++;
        return true;
    }
}
