package analyzer.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class CertificateSummaryTest {

    @Test
    void describesCaAndServerCertificates() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(CertificateAuthorityTest.SQUIRRELS, KeyType.RSA,
                Duration.ofDays(30));
        CertificateSummary caSummary = CertificateSummary.describe(ca.certificate());
        assertEquals("CN=Secret Squirrels CA, O=Secret Squirrels, L=Baltimore, ST=Maryland, C=US", caSummary.subject());
        assertEquals(caSummary.subject(), caSummary.issuer());
        assertTrue(caSummary.certificateAuthority());
        assertTrue(caSummary.selfSigned());
        assertEquals("RSA 2048", caSummary.publicKey());
        assertEquals(List.of("keyCertSign", "cRLSign"), caSummary.keyUsages());
        assertEquals(ca.certificate().getSerialNumber().toString(16).toUpperCase(), caSummary.serialNumber());
        assertTrue(caSummary.validAt(Instant.now()));
        assertFalse(caSummary.validAt(Instant.now().plus(Duration.ofDays(31))));
        assertEquals(95, caSummary.sha256Fingerprint().length());
        assertTrue(caSummary.sha256Fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));

        IssuedCertificate issued = ca.issueServerCertificate(SubjectName.of("localhost"),
                List.of("DNS:localhost", "IP:127.0.0.1"), KeyType.EC, Duration.ofDays(3));
        CertificateSummary server = CertificateSummary.describe(issued.certificate());
        assertEquals("CN=localhost", server.subject());
        assertEquals(caSummary.subject(), server.issuer());
        assertFalse(server.certificateAuthority());
        assertFalse(server.selfSigned());
        assertEquals("EC P-256", server.publicKey());
        assertEquals(List.of("DNS:localhost", "IP:127.0.0.1"), server.subjectAltNames());
        assertEquals(List.of("digitalSignature"), server.keyUsages());
        assertEquals(List.of("serverAuth"), server.extendedKeyUsages());
        assertEquals("SHA256withRSA", server.signatureAlgorithm());

        RequestSummary request = RequestSummary.describe(issued.csr());
        assertEquals("CN=localhost", request.subject());
        assertEquals(List.of("DNS:localhost", "IP:127.0.0.1"), request.subjectAltNames());
        assertEquals("EC P-256", request.publicKey());
        assertEquals("SHA256WITHECDSA", request.signatureAlgorithm().toUpperCase());
        assertTrue(request.signatureValid());

        byte[] encoded = issued.csr().getEncoded();
        encoded[encoded.length - 3] ^= 1;
        assertFalse(RequestSummary.describe(new PKCS10CertificationRequest(encoded)).signatureValid());
    }

    @Test
    void fingerprintMatchesOpenSsl() throws Exception {
        OpenSsl.require();
        CertificateAuthority ca = CertificateAuthority.create(SubjectName.of("fp"), KeyType.EC, Duration.ofDays(1));
        java.nio.file.Path file = java.nio.file.Files.createTempFile("fp", ".pem");
        try {
            Pem.writeCertificates(file, true, ca.certificate());
            OpenSsl.Result result = OpenSsl.run("x509", "-in", file.toString(), "-noout", "-fingerprint", "-sha256");
            assertEquals(0, result.code(), result.output());
            assertEquals("sha256 Fingerprint=" + CertificateSummary.describe(ca.certificate()).sha256Fingerprint(),
                    result.output().strip());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
