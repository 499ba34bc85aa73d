package analyzer.check;

import analyzer.dissect.TlsNames;
import analyzer.pki.CertificateWeaknesses;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A TLS policy after Mozilla's Server Side TLS recommendations, guidelines version 5.7
 * (https://ssl-config.mozilla.org/guidelines/5.7.json, 2023-05-15): the protocol versions and the cipher suites
 * (their "ciphersuites" for TLS 1.3 and "ciphers"/"iana" lists, copied here in their order) of each configuration,
 * and from its certificate fields the RSA key size and, for modern, the ECDSA certificate type. What a check judges
 * beyond the guideline (expiry, self-signed, SHA-1, the name) is in {@link CertificateWeaknesses}.
 */
public enum TlsPolicy {

    MODERN("modern", List.of(0x0304), List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"),
            0, true),

    INTERMEDIATE("intermediate", List.of(0x0303, 0x0304), List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            2048, false),

    OLD("old", List.of(0x0301, 0x0302, 0x0303, 0x0304), List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
            2048, false);

    /** The guidelines these lists were copied from, named in the reports. */
    public static final String GUIDELINES = "Mozilla Server Side TLS 5.7";

    private final String key;
    private final Set<Integer> versions;
    private final Set<Integer> suites = new LinkedHashSet<>();
    private final CertificateWeaknesses.Requirements certificates;

    TlsPolicy(String key, List<Integer> versions, List<String> suiteNames, int minRsaBits, boolean ecdsaOnly) {
        this.key = key;
        this.versions = Set.copyOf(versions);
        for (String name : suiteNames) {
            int code = TlsNames.cipherSuiteNamed(name);
            if (code < 0) {
                throw new IllegalStateException("no code point known for " + name);
            }
            suites.add(code);
        }
        this.certificates = new CertificateWeaknesses.Requirements(minRsaBits == 0 ? 2048 : minRsaBits, ecdsaOnly,
                key);
    }

    /** "intermediate", as --policy takes it. */
    public String key() {
        return key;
    }

    /** The policy named on the command line, or null for an unknown name. */
    public static TlsPolicy named(String name) {
        for (TlsPolicy p : values()) {
            if (p.key.equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        return null;
    }

    public boolean allowsVersion(int version) {
        return versions.contains(version);
    }

    public boolean allowsSuite(int suite) {
        return suites.contains(suite);
    }

    /** Why a version is outside the policy ("TLS 1.0 — intermediate needs TLS 1.2 or newer"), or null. */
    public String versionProblem(int version) {
        if (allowsVersion(version)) {
            return null;
        }
        int oldest = versions.stream().min(Integer::compare).orElseThrow();
        String needs = oldest == 0x0304 ? "TLS 1.3" : TlsNames.version(oldest) + " or newer";
        return TlsNames.version(version) + " — " + key + " needs " + needs;
    }

    /** Why a suite is outside the policy ("TLS_RSA_WITH_AES_128_CBC_SHA — no forward secrecy"), or null. */
    public String suiteProblem(int suite) {
        if (allowsSuite(suite)) {
            return null;
        }
        String name = TlsNames.cipherSuite(suite);
        return name + " — " + weakness(name).orElse("not in " + key + "'s list");
    }

    private static java.util.Optional<String> weakness(String name) {
        String why = null;
        if (name.contains("_NULL_")) {
            why = "no encryption";
        } else if (name.contains("EXPORT")) {
            why = "export-grade encryption";
        } else if (name.contains("_anon_")) {
            why = "no authentication";
        } else if (name.contains("RC4")) {
            why = "RC4 is broken";
        } else if (name.contains("DES")) {
            why = "64-bit block cipher (Sweet32)";
        } else if (name.endsWith("_MD5")) {
            why = "MD5";
        } else if (name.startsWith("TLS_RSA_")) {
            why = "no forward secrecy";
        } else if (name.contains("_CBC_")) {
            why = "CBC mode (not AEAD)";
        }
        return java.util.Optional.ofNullable(why);
    }

    /** What this policy asks of a certificate. */
    public CertificateWeaknesses.Requirements certificates() {
        return certificates;
    }
}
