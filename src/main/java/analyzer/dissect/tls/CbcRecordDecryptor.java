package analyzer.dissect.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES-CBC records with an HMAC (RFC 5246 section 6.2.3.2): MAC-then-encrypt by default, encrypt-then-MAC when both
 * sides agreed to RFC 7366. TLS 1.1 and 1.2 carry an explicit IV at the start of each record; TLS 1.0 chains the IV
 * from the last ciphertext block of the previous record, starting from the key block's.
 */
final class CbcRecordDecryptor extends RecordDecryptor {

    private static final int BLOCK = 16;

    private final Mac mac;
    private final int macLength;
    private final boolean encryptThenMac;
    private final boolean explicitIv;
    private final byte[] chainedIv;
    private final byte[] header = new byte[13];
    private final byte[] computed;

    /** @param tls10Iv the key block's IV under TLS 1.0, null for TLS 1.1 and 1.2 */
    CbcRecordDecryptor(CipherSuite.Bulk bulk, byte[] key, byte[] tls10Iv, TlsHash macHash, byte[] macKey,
                       boolean encryptThenMac) {
        super(bulk, key);
        this.mac = macHash.newMac(macKey);
        this.macLength = macHash.length();
        this.encryptThenMac = encryptThenMac;
        this.explicitIv = tls10Iv == null;
        this.chainedIv = tls10Iv == null ? null : tls10Iv.clone();
        this.computed = new byte[macLength];
    }

    @Override
    public boolean open(int headerType, int version, byte[] record, int offset, int length) {
        int ivLength = explicitIv ? BLOCK : 0;
        int ciphertextLength = length - ivLength - (encryptThenMac ? macLength : 0);
        if (ciphertextLength <= 0 || ciphertextLength % BLOCK != 0
                || (!encryptThenMac && ciphertextLength < macLength + 1)) {
            return false;
        }
        int ciphertextAt = offset + ivLength;
        if (encryptThenMac) {
            // The MAC covers the IV and the ciphertext: check it before decrypting anything.
            macHeader(headerType, version, length - macLength);
            mac.update(record, offset, length - macLength);
            if (!macMatches(record, offset + length - macLength)) {
                return false;
            }
        }
        ensureCapacity(ciphertextLength);
        byte[] iv = explicitIv ? java.util.Arrays.copyOfRange(record, offset, offset + BLOCK) : chainedIv;
        int n;
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
            n = cipher.doFinal(record, ciphertextAt, ciphertextLength, plaintext, 0);
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        }
        int padding = plaintext[n - 1] & 0xff;
        int content = n - padding - 1 - (encryptThenMac ? 0 : macLength);
        if (content < 0) {
            return false;
        }
        for (int i = n - padding - 1; i < n; i++) {
            if ((plaintext[i] & 0xff) != padding) {
                return false;
            }
        }
        if (!encryptThenMac) {
            macHeader(headerType, version, content);
            mac.update(plaintext, 0, content);
            if (!macMatches(plaintext, content)) {
                return false;
            }
        }
        if (!explicitIv) {
            System.arraycopy(record, ciphertextAt + ciphertextLength - BLOCK, chainedIv, 0, BLOCK);
        }
        contentType = headerType;
        plaintextLength = content;
        sequence++;
        return true;
    }

    private void macHeader(int type, int version, int length) {
        putLong(header, 0, sequence);
        header[8] = (byte) type;
        header[9] = (byte) (version >>> 8);
        header[10] = (byte) version;
        header[11] = (byte) (length >>> 8);
        header[12] = (byte) length;
        mac.update(header);
    }

    private boolean macMatches(byte[] expected, int at) {
        try {
            mac.doFinal(computed, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return MessageDigest.isEqual(computed, java.util.Arrays.copyOfRange(expected, at, at + macLength));
    }
}
