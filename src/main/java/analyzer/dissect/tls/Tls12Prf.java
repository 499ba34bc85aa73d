package analyzer.dissect.tls;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;

/**
 * The PRF of TLS 1.2 (RFC 5246 section 5: P_hash with the suite's hash) and of TLS 1.0/1.1 (RFC 2246 section 5:
 * P_MD5 of the secret's first half XOR P_SHA-1 of its second half), and what TLS derives with it.
 */
public final class Tls12Prf {

    private Tls12Prf() {
    }

    /**
     * PRF(secret, label, seed).
     *
     * @param hash the suite's PRF hash for TLS 1.2, or null for the TLS 1.0/1.1 MD5+SHA-1 PRF
     */
    public static byte[] prf(TlsHash hash, byte[] secret, String label, byte[] seed, int length) {
        byte[] labelAndSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
        if (hash != null) {
            return pHash(hash, secret, labelAndSeed, length);
        }
        int half = (secret.length + 1) / 2;
        byte[] s1 = java.util.Arrays.copyOfRange(secret, 0, half);
        byte[] s2 = java.util.Arrays.copyOfRange(secret, secret.length - half, secret.length);
        byte[] md5 = pHash(TlsHash.MD5, s1, labelAndSeed, length);
        byte[] sha1 = pHash(TlsHash.SHA1, s2, labelAndSeed, length);
        for (int i = 0; i < length; i++) {
            md5[i] ^= sha1[i];
        }
        return md5;
    }

    /** master_secret = PRF(pre_master_secret, "master secret", client_random + server_random)[0..47]. */
    public static byte[] masterSecret(TlsHash hash, byte[] preMaster, byte[] clientRandom, byte[] serverRandom) {
        return prf(hash, preMaster, "master secret", concat(clientRandom, serverRandom), 48);
    }

    /** RFC 7627: master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]. */
    public static byte[] extendedMasterSecret(TlsHash hash, byte[] preMaster, byte[] sessionHash) {
        return prf(hash, preMaster, "extended master secret", sessionHash, 48);
    }

    /** key_block = PRF(master_secret, "key expansion", server_random + client_random). */
    public static byte[] keyBlock(TlsHash hash, byte[] master, byte[] clientRandom, byte[] serverRandom, int length) {
        return prf(hash, master, "key expansion", concat(serverRandom, clientRandom), length);
    }

    private static byte[] pHash(TlsHash hash, byte[] secret, byte[] seed, int length) {
        Mac mac = hash.newMac(secret);
        byte[] out = new byte[length];
        byte[] a = seed;
        int filled = 0;
        while (filled < length) {
            a = mac.doFinal(a);
            mac.update(a);
            byte[] block = mac.doFinal(seed);
            int n = Math.min(block.length, length - filled);
            System.arraycopy(block, 0, out, filled, n);
            filled += n;
        }
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
