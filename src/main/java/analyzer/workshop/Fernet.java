package analyzer.workshop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Symmetric authenticated encryption as the Fernet specification (github.com/fernet/spec) defines it, so tokens
 * interoperate with Python's {@code cryptography.fernet.Fernet}. A token is URL-safe base64 of
 * {@code 0x80 ‖ timestamp (8 bytes, seconds) ‖ IV (16) ‖ AES-128-CBC/PKCS7 ciphertext ‖ HMAC-SHA256 (32)}, the
 * HMAC covering everything before it. The key is 32 bytes, URL-safe base64: the first half signs, the second
 * half encrypts. Immutable and thread-safe.
 */
public final class Fernet {

    /** The only token version the specification defines. */
    public static final int VERSION = 0x80;

    /** Tokens stamped further in the future than this are refused when a time-to-live is checked. */
    static final long MAX_CLOCK_SKEW_SECONDS = 60;

    private static final int KEY_BYTES = 32;
    private static final int BLOCK = 16;
    private static final int HMAC_BYTES = 32;
    private static final int HEADER = 1 + 8 + BLOCK;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec signingKey;
    private final SecretKeySpec encryptionKey;

    /**
     * @param key 32 bytes in URL-safe base64, as {@link #generateKey()} makes them
     * @throws IllegalArgumentException if the key is not that
     */
    public Fernet(String key) {
        Objects.requireNonNull(key, "key");
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(key.trim());
        } catch (IllegalArgumentException e) {
            raw = null;
        }
        if (raw == null || raw.length != KEY_BYTES) {
            throw new IllegalArgumentException("a Fernet key is 32 bytes in URL-safe base64 (44 characters"
                    + " ending in '='); make one with 'analyzer key fernet'");
        }
        this.signingKey = new SecretKeySpec(raw, 0, BLOCK, "HmacSHA256");
        this.encryptionKey = new SecretKeySpec(raw, BLOCK, BLOCK, "AES");
        Arrays.fill(raw, (byte) 0);
    }

    /** A fresh random key: 32 bytes from a SecureRandom, URL-safe base64 with padding. */
    public static String generateKey() {
        byte[] raw = new byte[KEY_BYTES];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().encodeToString(raw);
    }

    /** Encrypts and signs with the current time and a random IV. */
    public String encrypt(byte[] plaintext) {
        byte[] iv = new byte[BLOCK];
        RANDOM.nextBytes(iv);
        return encrypt(plaintext, Instant.now().getEpochSecond(), iv);
    }

    /** The deterministic core of {@link #encrypt(byte[])}: the spec's generate vectors fix the time and IV. */
    String encrypt(byte[] plaintext, long epochSeconds, byte[] iv) {
        Objects.requireNonNull(plaintext, "plaintext");
        if (iv.length != BLOCK) {
            throw new IllegalArgumentException("the IV is 16 bytes, not " + iv.length);
        }
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding"); // PKCS5 in JCA names is PKCS7 on 16-byte blocks
            aes.init(Cipher.ENCRYPT_MODE, encryptionKey, new IvParameterSpec(iv));
            byte[] ciphertext = aes.doFinal(plaintext);
            ByteBuffer token = ByteBuffer.allocate(HEADER + ciphertext.length + HMAC_BYTES);
            token.put((byte) VERSION).putLong(epochSeconds).put(iv).put(ciphertext);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signingKey);
            mac.update(token.array(), 0, token.position());
            token.put(mac.doFinal());
            return Base64.getUrlEncoder().encodeToString(token.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES-CBC or HmacSHA256", e);
        }
    }

    /** Verifies and decrypts a token of any age. */
    public byte[] decrypt(String token) throws InvalidTokenException {
        return open(token, null, 0);
    }

    /** Verifies and decrypts a token no older than {@code ttl} (and not stamped more than 60 s ahead of now). */
    public byte[] decrypt(String token, Duration ttl) throws InvalidTokenException {
        return decrypt(token, ttl, Instant.now());
    }

    /** As {@link #decrypt(String, Duration)} with the clock given, for tests and the spec's vectors. */
    public byte[] decrypt(String token, Duration ttl, Instant now) throws InvalidTokenException {
        Objects.requireNonNull(ttl, "ttl");
        return open(token, ttl, now.getEpochSecond());
    }

    private byte[] open(String token, Duration ttl, long now) throws InvalidTokenException {
        byte[] data = verified(token);
        long stamped = ByteBuffer.wrap(data).getLong(1);
        if (ttl != null) {
            if (stamped + ttl.getSeconds() < now) {
                throw new InvalidTokenException("the token has expired (older than " + ttl.getSeconds() + " s)");
            }
            if (stamped > now + MAX_CLOCK_SKEW_SECONDS) {
                throw new InvalidTokenException("the token is stamped in the future");
            }
        }
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.DECRYPT_MODE, encryptionKey, new IvParameterSpec(data, 1 + 8, BLOCK));
            return aes.doFinal(data, HEADER, data.length - HEADER - HMAC_BYTES);
        } catch (javax.crypto.BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
            throw new InvalidTokenException("the decrypted payload is not padded correctly");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES-CBC", e);
        }
    }

    /** Decodes the token and checks its shape, version and HMAC; returns the raw bytes. */
    private byte[] verified(String token) throws InvalidTokenException {
        if (token == null) {
            throw new InvalidTokenException("no token");
        }
        byte[] data;
        try {
            data = Base64.getUrlDecoder().decode(token.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("not URL-safe base64");
        }
        if (data.length < HEADER + BLOCK + HMAC_BYTES) {
            throw new InvalidTokenException("too short to be a token");
        }
        if ((data[0] & 0xff) != VERSION) {
            throw new InvalidTokenException(String.format("unknown version 0x%02x", data[0] & 0xff));
        }
        if ((data.length - HEADER - HMAC_BYTES) % BLOCK != 0) {
            throw new InvalidTokenException("the ciphertext is not a whole number of AES blocks");
        }
        int signed = data.length - HMAC_BYTES;
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signingKey);
            mac.update(data, 0, signed);
            expected = mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(data, signed, data.length))) {
            throw new InvalidTokenException("the signature does not match: wrong key, or the token was altered");
        }
        return data;
    }

    @Override
    public String toString() {
        return "Fernet[key hidden]";
    }

    /**
     * A token that cannot be trusted: wrong key, altered bytes, bad format, or outside its time-to-live. The
     * message says which, for logs; people are shown "InvalidToken", as Python's cryptography names it.
     */
    public static final class InvalidTokenException extends Exception {

        public InvalidTokenException(String message) {
            super(message);
        }
    }
}
