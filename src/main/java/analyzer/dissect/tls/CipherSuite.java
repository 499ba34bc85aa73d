package analyzer.dissect.tls;

import analyzer.dissect.TlsNames;

/**
 * What a negotiated cipher suite means for decryption, read from its IANA name: the bulk cipher, the record MAC
 * (none for AEAD), the hash of the PRF or key schedule, and whether the server's key alone opens it (RSA key
 * exchange, no forward secrecy).
 *
 * @param unsupported why records under this suite are not decrypted ("3DES"), or null when they are
 */
public record CipherSuite(int id, String name, boolean tls13, Bulk bulk, TlsHash mac, TlsHash prfHash,
                          boolean rsaKeyExchange, String unsupported) {

    /** The record protection ciphers we decrypt, with their key, fixed IV and per-record lengths. */
    public enum Bulk {
        AES_128_GCM("AES/GCM/NoPadding", 16, true),
        AES_256_GCM("AES/GCM/NoPadding", 32, true),
        CHACHA20_POLY1305("ChaCha20-Poly1305", 32, true),
        AES_128_CBC("AES/CBC/NoPadding", 16, false),
        AES_256_CBC("AES/CBC/NoPadding", 32, false);

        private final String transformation;
        private final int keyLength;
        private final boolean aead;

        Bulk(String transformation, int keyLength, boolean aead) {
            this.transformation = transformation;
            this.keyLength = keyLength;
            this.aead = aead;
        }

        public String transformation() {
            return transformation;
        }

        public int keyLength() {
            return keyLength;
        }

        public boolean aead() {
            return aead;
        }

        /** The JCA key algorithm name. */
        public String keyAlgorithm() {
            return this == CHACHA20_POLY1305 ? "ChaCha20" : "AES";
        }

        /**
         * IV bytes the TLS 1.2 key block holds per side: GCM's 4-byte salt, ChaCha20's 12-byte IV; CBC's only
         * under TLS 1.0 (16), where the IV is implicit.
         */
        int fixedIvLength(boolean tls10) {
            return switch (this) {
                case AES_128_GCM, AES_256_GCM -> 4;
                case CHACHA20_POLY1305 -> 12;
                default -> tls10 ? 16 : 0;
            };
        }
    }

    /** The suite with this code point; never null (an unknown one is named by its number and unsupported). */
    public static CipherSuite of(int id) {
        String name = TlsNames.cipherSuite(id);
        if (name == null || !name.startsWith("TLS_")) {
            String hex = String.format("0x%04x", id);
            return new CipherSuite(id, name == null ? hex : name, false, null, null, null, false,
                    "unknown cipher suite " + hex);
        }
        boolean tls13 = !name.contains("_WITH_");
        String cipher = tls13 ? name.substring(4) : name.substring(name.indexOf("_WITH_") + 6);
        String exchange = tls13 ? "" : name.substring(4, name.indexOf("_WITH_"));
        boolean rsa = exchange.equals("RSA");
        TlsHash macHash = cipher.endsWith("_SHA384") ? TlsHash.SHA384 : cipher.endsWith("_SHA256") ? TlsHash.SHA256
                : cipher.endsWith("_SHA") ? TlsHash.SHA1 : cipher.endsWith("_MD5") ? TlsHash.MD5 : null;
        // TLS 1.2 suites use SHA-256 for the PRF unless they name SHA-384 (RFC 5246 section 5, RFC 5289).
        TlsHash prf = macHash == TlsHash.SHA384 ? TlsHash.SHA384 : TlsHash.SHA256;
        Bulk bulk = null;
        String unsupported = null;
        if (cipher.startsWith("AES_128_GCM")) {
            bulk = Bulk.AES_128_GCM;
        } else if (cipher.startsWith("AES_256_GCM")) {
            bulk = Bulk.AES_256_GCM;
        } else if (cipher.startsWith("CHACHA20_POLY1305")) {
            bulk = Bulk.CHACHA20_POLY1305;
        } else if (cipher.startsWith("AES_128_CBC")) {
            bulk = Bulk.AES_128_CBC;
        } else if (cipher.startsWith("AES_256_CBC")) {
            bulk = Bulk.AES_256_CBC;
        } else {
            unsupported = family(cipher);
        }
        if (bulk != null && exchange.contains("EXPORT")) {
            bulk = null;
            unsupported = "export-grade " + family(cipher);
        }
        TlsHash mac = bulk == null || bulk.aead() ? null : macHash;
        if (bulk != null && !bulk.aead() && mac == null) {
            bulk = null;
            unsupported = "MAC of " + name;
        }
        return new CipherSuite(id, name, tls13, bulk, mac, prf, rsa, unsupported);
    }

    /** "3DES", "RC4", "AES-CCM", "CAMELLIA", "NULL cipher"… as a person would say it. */
    private static String family(String cipher) {
        if (cipher.startsWith("3DES")) {
            return "3DES";
        }
        if (cipher.startsWith("RC4")) {
            return "RC4";
        }
        if (cipher.startsWith("NULL")) {
            return "NULL cipher";
        }
        if (cipher.contains("CCM")) {
            return "AES-CCM";
        }
        int cut = cipher.indexOf('_');
        return cut > 0 ? cipher.substring(0, cut) : cipher;
    }

    public boolean decryptable() {
        return unsupported == null;
    }
}
