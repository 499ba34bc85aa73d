package analyzer.dissect.tls;

/** Record decryptors made from secrets: TLS 1.3 traffic secrets, or the TLS 1.0-1.2 master secret's key block. */
public final class TrafficKeys {

    private TrafficKeys() {
    }

    /** TLS 1.3 (RFC 8446 section 7.3): key and IV from a traffic secret. */
    public static RecordDecryptor tls13(CipherSuite suite, byte[] trafficSecret) {
        byte[] key = Hkdf.expandLabel(suite.prfHash(), trafficSecret, "key", new byte[0], suite.bulk().keyLength());
        byte[] iv = Hkdf.expandLabel(suite.prfHash(), trafficSecret, "iv", new byte[0], 12);
        return new AeadRecordDecryptor(suite.bulk(), key, iv, true);
    }

    /** The secret after a KeyUpdate (RFC 8446 section 7.2). */
    public static byte[] nextTrafficSecret(CipherSuite suite, byte[] trafficSecret) {
        return Hkdf.expandLabel(suite.prfHash(), trafficSecret, "traffic upd", new byte[0],
                suite.prfHash().length());
    }

    /** The two directions' decryptors of a TLS 1.0-1.2 session. */
    public record Pair(RecordDecryptor client, RecordDecryptor server) {
    }

    /**
     * TLS 1.0-1.2 (RFC 5246 section 6.3): the key block split into MAC keys, keys and IVs.
     *
     * @param version        0x0301 TLS 1.0, 0x0302 TLS 1.1, 0x0303 TLS 1.2
     * @param encryptThenMac whether both sides agreed to RFC 7366 (CBC suites only)
     */
    public static Pair tls12(CipherSuite suite, int version, byte[] masterSecret, byte[] clientRandom,
                             byte[] serverRandom, boolean encryptThenMac) {
        CipherSuite.Bulk bulk = suite.bulk();
        boolean tls10 = version <= 0x0301;
        int macLength = bulk.aead() ? 0 : suite.mac().length();
        int keyLength = bulk.keyLength();
        int ivLength = bulk.fixedIvLength(tls10);
        TlsHash prf = version >= 0x0303 ? suite.prfHash() : null;
        byte[] block = Tls12Prf.keyBlock(prf, masterSecret, clientRandom, serverRandom,
                2 * (macLength + keyLength + ivLength));
        int at = 0;
        byte[] clientMac = slice(block, at, macLength);
        byte[] serverMac = slice(block, at += macLength, macLength);
        byte[] clientKey = slice(block, at += macLength, keyLength);
        byte[] serverKey = slice(block, at += keyLength, keyLength);
        byte[] clientIv = slice(block, at += keyLength, ivLength);
        byte[] serverIv = slice(block, at + ivLength, ivLength);
        if (bulk.aead()) {
            return new Pair(new AeadRecordDecryptor(bulk, clientKey, clientIv, false),
                    new AeadRecordDecryptor(bulk, serverKey, serverIv, false));
        }
        return new Pair(
                new CbcRecordDecryptor(bulk, clientKey, tls10 ? clientIv : null, suite.mac(), clientMac, encryptThenMac),
                new CbcRecordDecryptor(bulk, serverKey, tls10 ? serverIv : null, suite.mac(), serverMac, encryptThenMac));
    }

    private static byte[] slice(byte[] b, int from, int length) {
        return java.util.Arrays.copyOfRange(b, from, from + length);
    }
}
