package analyzer.pki;

import java.util.List;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * What a certificate signing request asks for, for {@code analyzer pki show}.
 *
 * @param signatureValid whether the CSR is signed by the key it carries, i.e. unaltered since it was made
 */
public record RequestSummary(String subject, List<String> subjectAltNames, String publicKey,
        String signatureAlgorithm, boolean signatureValid) {

    public static RequestSummary describe(PKCS10CertificationRequest csr) {
        return new RequestSummary(
                DistinguishedNames.format(csr.getSubject()),
                SubjectAltNames.of(csr.getRequestedExtensions()),
                CertificateSummary.describeKey(csr.getSubjectPublicKeyInfo()),
                // The JDK's spelling (SHA256withRSA), as certificates report theirs, not BouncyCastle's SHA256WITHRSA.
                new DefaultAlgorithmNameFinder().getAlgorithmName(csr.getSignatureAlgorithm()).replace("WITH", "with"),
                CertificateRequests.signatureVerifies(csr));
    }
}
