package analyzer.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenSSL's words for an untrusted chain depend on what the server sent, as curl and requests print them. */
class CertificateRejectionTest {

    @Test
    void theWordsFollowTheChainTheServerSent() throws Exception {
        CertificateAuthority mitm = CertificateAuthority.create(SubjectName.of("analyzer MITM CA"), KeyType.EC,
                Duration.ofDays(1));
        X509Certificate leaf = mitm.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost"),
                KeyType.EC, Duration.ofDays(1)).certificate();
        // A forging proxy sends its CA along: the chain ends in a self-signed certificate nobody trusts.
        assertEquals("self-signed certificate in certificate chain",
                CertificateRejection.untrustedWords(List.of(leaf, mitm.certificate())));
        // A server that sends its certificate alone: its issuer is nowhere to be found.
        assertEquals("unable to get local issuer certificate", CertificateRejection.untrustedWords(List.of(leaf)));
        // A self-signed certificate on its own.
        assertEquals("self-signed certificate", CertificateRejection.untrustedWords(List.of(mitm.certificate())));
        assertEquals("unable to get local issuer certificate", CertificateRejection.untrustedWords(List.of()));
    }
}
