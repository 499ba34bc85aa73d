package analyzer.pki;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Why the JDK refused a peer's certificate, read from the exception it threw, and said in the words a workshop
 * knows from curl and OpenSSL ("unable to get local issuer certificate") rather than the JDK's ("PKIX path
 * building failed … unable to find valid certification path to requested target"). The client, the proxy's
 * upstream side and check --probe all classify through here.
 */
public enum CertificateRejection {
    EXPIRED("certificate has expired"),
    NOT_YET_VALID("certificate is not yet valid"),
    /** Valid, but for other names than the host that was asked for. */
    WRONG_HOST("certificate is not for this host"),
    /** Not issued by a trusted (pinned) CA: a self-made CA against the JDK's store, or a forged certificate. */
    UNTRUSTED("unable to get local issuer certificate");

    private final String openSslWords;

    CertificateRejection(String openSslWords) {
        this.openSslWords = openSslWords;
    }

    /** OpenSSL's wording, e.g. {@code unable to get local issuer certificate}. */
    public String openSslWords() {
        return openSslWords;
    }

    /**
     * The reason a TLS failure (or anything in its cause chain) was a certificate refusal, or empty when it was
     * something else. Validity comes first: an expired certificate from an unknown CA is reported as expired, as
     * OpenSSL does.
     */
    public static Optional<CertificateRejection> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            CertPathValidatorException.Reason reason = t instanceof CertPathValidatorException v ? v.getReason() : null;
            if (t instanceof CertificateExpiredException || reason == CertPathValidatorException.BasicReason.EXPIRED) {
                return Optional.of(EXPIRED);
            }
            if (t instanceof CertificateNotYetValidException
                    || reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return Optional.of(NOT_YET_VALID);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return Optional.of(WRONG_HOST);
            }
            if (m.contains("unable to find valid certification path")
                    || t.getClass().getSimpleName().equals("SunCertPathBuilderException")
                    || t instanceof CertPathValidatorException v && (v.getReason() == PKIXReason.NO_TRUST_ANCHOR
                    || m.contains("trust anchor"))) {
                return Optional.of(UNTRUSTED);
            }
        }
        return Optional.empty();
    }

    /**
     * OpenSSL's words for an untrusted chain, which depend on what the server presented: a chain that ends in a
     * self-signed certificate no one trusts is "self-signed certificate in certificate chain" (a forging proxy that
     * sends its CA along) or "self-signed certificate" (the leaf alone); a chain whose last issuer was not sent is
     * "unable to get local issuer certificate". These are the words curl and Python's requests print.
     *
     * @param presented the chain the server sent, leaf first (empty when unknown)
     */
    public static String untrustedWords(List<X509Certificate> presented) {
        if (presented.isEmpty() || !CertificateSummary.isSelfSigned(presented.get(presented.size() - 1))) {
            return UNTRUSTED.openSslWords();
        }
        return presented.size() == 1 ? "self-signed certificate" : "self-signed certificate in certificate chain";
    }

    /** One line for any TLS failure: OpenSSL's words for a certificate refusal, else the failure's own message. */
    public static String explain(Throwable failure) {
        return of(failure).map(CertificateRejection::openSslWords).orElseGet(() -> {
            String m = failure.getMessage();
            return m == null ? failure.getClass().getSimpleName() : m;
        });
    }
}
