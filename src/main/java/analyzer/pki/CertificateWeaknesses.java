package analyzer.pki;

import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What is wrong with a server's certificate whoever vouches for it: out of its validity period, self-signed, a
 * short RSA key, a SHA-1 (or MD5) signature, or made out for other names than the one the client asked for. Each
 * reason is one short phrase ("expired on 2025-01-31", "RSA 1024-bit key (2048 or more needed)").
 */
public final class CertificateWeaknesses {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /**
     * What a judgement asks for.
     *
     * @param minRsaBits  the shortest RSA key accepted
     * @param ecdsaOnly   whether only ECDSA keys are accepted (Mozilla's "modern")
     * @param profileName named in the reasons that come from it ("modern"), or null
     */
    public record Requirements(int minRsaBits, boolean ecdsaOnly, String profileName) {

        /** What any client should refuse: RSA under 2048 bits among the rest. */
        public static final Requirements BASELINE = new Requirements(2048, false, null);
    }

    private CertificateWeaknesses() {
    }

    /**
     * @param host the name the client asked for (SNI, or the host probed); null when none was sent, so the names
     *             are not judged
     */
    public static List<String> of(X509Certificate leaf, String host, Instant now, Requirements requirements) {
        List<String> reasons = new ArrayList<>();
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            reasons.add("expired on " + DAY.format(notAfter));
        } else if (now.isBefore(notBefore)) {
            reasons.add("not valid before " + DAY.format(notBefore));
        }
        if (CertificateSummary.isSelfSigned(leaf)) {
            reasons.add("self-signed");
        }
        if (leaf.getPublicKey() instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (requirements.ecdsaOnly()) {
                reasons.add("RSA key (" + requirements.profileName() + " needs an ECDSA certificate)");
            } else if (bits < requirements.minRsaBits()) {
                reasons.add("RSA " + bits + "-bit key (" + requirements.minRsaBits() + " or more needed)");
            }
        }
        String signature = leaf.getSigAlgName().toUpperCase(Locale.ROOT);
        if (signature.startsWith("SHA1") || signature.startsWith("MD5") || signature.startsWith("MD2")) {
            reasons.add("signed with " + (signature.startsWith("SHA1") ? "SHA-1" : "MD5") + " ("
                    + leaf.getSigAlgName() + ")");
        }
        if (host != null && !host.isEmpty()) {
            try {
                if (!CertificateNameMatch.matches(leaf, host)) {
                    reasons.add("not for " + host + " (it is for " + CertificateNameMatch.describeNames(leaf) + ")");
                }
            } catch (PkiException e) {
                reasons.add("names unreadable: " + e.getMessage());
            }
        }
        return reasons;
    }
}
