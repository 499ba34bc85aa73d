package analyzer.dissect;

import java.util.HashMap;
import java.util.Map;

/** Names for TLS code points (IANA TLS parameters registry), as tshark and the RFCs spell them. */
public final class TlsNames {

    private static final Map<Integer, String> CIPHER_SUITES = new HashMap<>();
    private static final Map<Integer, String> ALERTS = new HashMap<>();
    /**
     * The alerts that say "your certificate is not acceptable" (RFC 8446 section 6.2): the one set the text printer,
     * the proxy's forgery verdict and the secret server use to tell a rejected certificate from another failure.
     */
    private static final java.util.Set<Integer> CERTIFICATE_REJECTIONS = java.util.Set.of(42, 43, 44, 45, 46, 48, 113);

    private static final Map<Integer, String> HANDSHAKE_TYPES = new HashMap<>();

    static {
        String[][] suites = {
            {"1301", "TLS_AES_128_GCM_SHA256"}, {"1302", "TLS_AES_256_GCM_SHA384"},
            {"1303", "TLS_CHACHA20_POLY1305_SHA256"}, {"1304", "TLS_AES_128_CCM_SHA256"},
            {"1305", "TLS_AES_128_CCM_8_SHA256"},
            {"c02b", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}, {"c02c", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
            {"c02f", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, {"c030", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
            {"cca8", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
            {"cca9", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
            {"ccaa", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
            {"c023", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"}, {"c024", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
            {"c027", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}, {"c028", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
            {"c009", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}, {"c00a", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
            {"c013", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}, {"c014", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
            {"009e", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}, {"009f", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
            {"006b", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"}, {"0067", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
            {"0039", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"}, {"0033", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
            {"00a2", "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"}, {"00a3", "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"},
            {"009c", "TLS_RSA_WITH_AES_128_GCM_SHA256"}, {"009d", "TLS_RSA_WITH_AES_256_GCM_SHA384"},
            {"003c", "TLS_RSA_WITH_AES_128_CBC_SHA256"}, {"003d", "TLS_RSA_WITH_AES_256_CBC_SHA256"},
            {"002f", "TLS_RSA_WITH_AES_128_CBC_SHA"}, {"0035", "TLS_RSA_WITH_AES_256_CBC_SHA"},
            {"000a", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"}, {"0005", "TLS_RSA_WITH_RC4_128_SHA"},
            {"0004", "TLS_RSA_WITH_RC4_128_MD5"}, {"c012", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
            {"c008", "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"},
            {"0001", "TLS_RSA_WITH_NULL_MD5"}, {"0002", "TLS_RSA_WITH_NULL_SHA"}, {"003b", "TLS_RSA_WITH_NULL_SHA256"},
            {"0003", "TLS_RSA_EXPORT_WITH_RC4_40_MD5"}, {"0006", "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"},
            {"0008", "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"}, {"0009", "TLS_RSA_WITH_DES_CBC_SHA"},
            {"0007", "TLS_RSA_WITH_IDEA_CBC_SHA"}, {"0096", "TLS_RSA_WITH_SEED_CBC_SHA"},
            {"0016", "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"}, {"0013", "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"},
            {"0032", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"}, {"0038", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"},
            {"0018", "TLS_DH_anon_WITH_RC4_128_MD5"}, {"0034", "TLS_DH_anon_WITH_AES_128_CBC_SHA"},
            {"003a", "TLS_DH_anon_WITH_AES_256_CBC_SHA"}, {"c018", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"},
            {"c011", "TLS_ECDHE_RSA_WITH_RC4_128_SHA"}, {"c007", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"},
            {"0041", "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"}, {"0084", "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"},
            {"0045", "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"}, {"0088", "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"},
            {"00ba", "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256"}, {"00c0", "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
            {"00be", "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"}, {"00c4", "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
            {"c072", "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"},
            {"c073", "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"},
            {"c076", "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"}, {"c077", "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"},
            {"c09c", "TLS_RSA_WITH_AES_128_CCM"}, {"c09d", "TLS_RSA_WITH_AES_256_CCM"},
            {"c09e", "TLS_DHE_RSA_WITH_AES_128_CCM"}, {"c09f", "TLS_DHE_RSA_WITH_AES_256_CCM"},
            {"c0ac", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"}, {"c0ad", "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"},
            {"c05c", "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"}, {"c05d", "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384"},
            {"c060", "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"}, {"c061", "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384"},
            {"c052", "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256"}, {"c053", "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384"},
            {"c050", "TLS_RSA_WITH_ARIA_128_GCM_SHA256"}, {"c051", "TLS_RSA_WITH_ARIA_256_GCM_SHA384"},
            {"00ff", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"}, {"5600", "TLS_FALLBACK_SCSV"},
        };
        for (String[] s : suites) {
            CIPHER_SUITES.put(Integer.parseInt(s[0], 16), s[1]);
        }
        Object[][] alerts = {
            {0, "close_notify"}, {10, "unexpected_message"}, {20, "bad_record_mac"}, {21, "decryption_failed"},
            {22, "record_overflow"}, {30, "decompression_failure"}, {40, "handshake_failure"},
            {41, "no_certificate"}, {42, "bad_certificate"}, {43, "unsupported_certificate"},
            {44, "certificate_revoked"}, {45, "certificate_expired"}, {46, "certificate_unknown"},
            {47, "illegal_parameter"}, {48, "unknown_ca"}, {49, "access_denied"}, {50, "decode_error"},
            {51, "decrypt_error"}, {60, "export_restriction"}, {70, "protocol_version"},
            {71, "insufficient_security"}, {80, "internal_error"}, {86, "inappropriate_fallback"},
            {90, "user_canceled"}, {100, "no_renegotiation"}, {109, "missing_extension"},
            {110, "unsupported_extension"}, {111, "certificate_unobtainable"}, {112, "unrecognized_name"},
            {113, "bad_certificate_status_response"}, {114, "bad_certificate_hash_value"},
            {115, "unknown_psk_identity"}, {116, "certificate_required"}, {120, "no_application_protocol"},
        };
        for (Object[] a : alerts) {
            ALERTS.put((Integer) a[0], (String) a[1]);
        }
        Object[][] types = {
            {0, "hello_request"}, {1, "client_hello"}, {2, "server_hello"}, {3, "hello_verify_request"},
            {4, "new_session_ticket"}, {5, "end_of_early_data"}, {8, "encrypted_extensions"},
            {11, "certificate"}, {12, "server_key_exchange"}, {13, "certificate_request"},
            {14, "server_hello_done"}, {15, "certificate_verify"}, {16, "client_key_exchange"},
            {20, "finished"}, {21, "certificate_url"}, {22, "certificate_status"}, {24, "key_update"},
            {254, "message_hash"},
        };
        for (Object[] t : types) {
            HANDSHAKE_TYPES.put((Integer) t[0], (String) t[1]);
        }
    }

    private TlsNames() {
    }

    /** "handshake", "application_data", … */
    public static String contentType(int type) {
        return switch (type) {
            case 20 -> "change_cipher_spec";
            case 21 -> "alert";
            case 22 -> "handshake";
            case 23 -> "application_data";
            case 24 -> "heartbeat";
            default -> "unknown(" + type + ")";
        };
    }

    /** "TLS 1.2", "SSL 3.0", or "0x7f1c" for unknown values (GREASE values read "GREASE"). */
    public static String version(int version) {
        return switch (version) {
            case 0x0300 -> "SSL 3.0";
            case 0x0301 -> "TLS 1.0";
            case 0x0302 -> "TLS 1.1";
            case 0x0303 -> "TLS 1.2";
            case 0x0304 -> "TLS 1.3";
            case 0x0002 -> "SSL 2.0";
            default -> isGrease(version) ? "GREASE" : String.format("0x%04x", version);
        };
    }

    public static String handshakeType(int type) {
        String name = HANDSHAKE_TYPES.get(type);
        return name != null ? name : "unknown(" + type + ")";
    }

    /** The code point of a cipher suite by its IANA name, or -1 when it is not named here. */
    public static int cipherSuiteNamed(String name) {
        for (Map.Entry<Integer, String> e : CIPHER_SUITES.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** Every cipher suite named here, in no particular order (signalling values included). */
    public static java.util.Set<Integer> knownCipherSuites() {
        return java.util.Collections.unmodifiableSet(CIPHER_SUITES.keySet());
    }

    public static String cipherSuite(int suite) {
        String name = CIPHER_SUITES.get(suite);
        if (name != null) {
            return name;
        }
        return isGrease(suite) ? "GREASE" : String.format("0x%04x", suite);
    }

    public static String alertLevel(int level) {
        return switch (level) {
            case 1 -> "warning";
            case 2 -> "fatal";
            default -> "level(" + level + ")";
        };
    }

    public static String alertDescription(int description) {
        String name = ALERTS.get(description);
        return name != null ? name : "unknown(" + description + ")";
    }

    /** RFC 8701 reserved values (0x0a0a, 0x1a1a, …) that clients send to keep servers tolerant. */
    public static boolean isGrease(int value) {
        return (value & 0x0f0f) == 0x0a0a && ((value >> 8) == (value & 0xff));
    }

    /** Whether an alert says the peer's certificate was not accepted (bad, unsupported, revoked, expired, unknown CA…). */
    public static boolean rejectsCertificate(int alertDescription) {
        return CERTIFICATE_REJECTIONS.contains(alertDescription);
    }

    /** The same, for an alert by name ("unknown_ca"), as JDK and OpenSSL messages spell it. */
    public static boolean rejectsCertificate(String alertName) {
        for (int code : CERTIFICATE_REJECTIONS) {
            if (ALERTS.get(code).equals(alertName)) {
                return true;
            }
        }
        return false;
    }
}
