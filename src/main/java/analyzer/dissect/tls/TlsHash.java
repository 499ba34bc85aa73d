package analyzer.dissect.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.InvalidKeyException;

/** The hash a TLS cipher suite names for its PRF or key schedule, with its JCA digest and HMAC names. */
public enum TlsHash {
    MD5("MD5", "HmacMD5", 16),
    SHA1("SHA-1", "HmacSHA1", 20),
    SHA256("SHA-256", "HmacSHA256", 32),
    SHA384("SHA-384", "HmacSHA384", 48);

    private final String digest;
    private final String hmac;
    private final int length;

    TlsHash(String digest, String hmac, int length) {
        this.digest = digest;
        this.hmac = hmac;
        this.length = length;
    }

    /** Output length in bytes. */
    public int length() {
        return length;
    }

    public String hmacName() {
        return hmac;
    }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + digest, e);
        }
    }

    /** An HMAC keyed with {@code key}; every JDK has these four. */
    public Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[length] : key, hmac));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JDK cannot run " + hmac, e);
        }
    }

    public byte[] hash(byte[] data) {
        return newDigest().digest(data);
    }
}
