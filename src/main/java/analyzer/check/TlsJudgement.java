package analyzer.check;

import analyzer.dissect.TlsNames;
import analyzer.pki.CertificateWeaknesses;
import analyzer.report.EncryptionVerdict;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with one TLS session (seen on the wire or accepted by the probe): under a policy, problems that fail
 * the check; without one, only warnings, as a check gave before policies existed.
 *
 * @param problems  reasons the check fails ("TLS 1.0 — intermediate needs TLS 1.2 or newer")
 * @param warnings  reasons worth a look that do not fail it
 */
record TlsJudgement(List<String> problems, List<String> warnings) {

    static final TlsJudgement NONE = new TlsJudgement(List.of(), List.of());

    /**
     * @param version     negotiated version, or -1 when unknown
     * @param suite       negotiated suite, or -1
     * @param leaf        the server's certificate, or null when it was not seen in clear
     * @param name        the name the client asked for (SNI or the probed host), or null
     */
    static TlsJudgement of(TlsPolicy policy, int version, int suite, X509Certificate leaf, String name, Instant now) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (version > 0) {
            String p = policy == null ? null : policy.versionProblem(version);
            if (p != null) {
                problems.add(p);
            } else if (policy == null && version < 0x0303) {
                warnings.add("old protocol " + TlsNames.version(version) + " (use TLS 1.2 or 1.3)");
            }
        }
        if (suite >= 0 && policy != null && policy.allowsVersion(version)) {
            String p = policy.suiteProblem(suite);
            if (p != null) {
                problems.add(p);
            }
        }
        if (leaf != null) {
            List<String> reasons = CertificateWeaknesses.of(leaf, name, now,
                    policy == null ? CertificateWeaknesses.Requirements.BASELINE : policy.certificates());
            for (String r : reasons) {
                (policy == null ? warnings : problems).add("certificate " + r);
            }
        }
        return new TlsJudgement(List.copyOf(problems), List.copyOf(warnings));
    }

    /** One connection's TLS as seen on the wire, its certificate (if any) already read back. */
    static TlsJudgement of(TlsPolicy policy, EncryptionVerdict.TlsFacts tls, X509Certificate leaf, Instant now) {
        return of(policy, tls.version(), tls.cipherSuite(), leaf, tls.serverName(), now);
    }

    /** A DER certificate read back, or null when it does not parse. */
    static X509Certificate certificate(byte[] der) {
        if (der == null || der.length == 0) {
            return null;
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            return null;
        }
    }
}
