package analyzer.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server certificate's weaknesses, whoever vouches for it, and host-name matching as clients do it. */
class CertificateWeaknessesTest {

    private static final CertificateAuthority CA = CertificateAuthority.create(SubjectName.of("Test CA"), KeyType.EC,
            Duration.ofDays(30));

    private static X509Certificate leaf(List<String> names) throws PkiException {
        return CA.issueServerCertificate(SubjectName.of("localhost"), names, KeyType.EC, Duration.ofDays(10))
                .certificate();
    }

    @Test
    void datesAndNamesAreJudged() throws PkiException {
        X509Certificate cert = leaf(List.of("DNS:localhost", "DNS:*.api.example", "IP:127.0.0.1"));
        Instant now = Instant.now();
        CertificateWeaknesses.Requirements baseline = CertificateWeaknesses.Requirements.BASELINE;
        assertEquals(List.of(), CertificateWeaknesses.of(cert, "localhost", now, baseline));
        assertEquals(List.of(), CertificateWeaknesses.of(cert, "v1.api.example", now, baseline));
        assertEquals(List.of(), CertificateWeaknesses.of(cert, "127.0.0.1", now, baseline));
        assertTrue(CertificateWeaknesses.of(cert, "a.b.api.example", now, baseline).get(0).startsWith("not for"));
        assertEquals(List.of("not for ::1 (it is for DNS:localhost, DNS:*.api.example, IP:127.0.0.1)"),
                CertificateWeaknesses.of(cert, "::1", now, baseline));
        assertTrue(CertificateWeaknesses.of(cert, null, now.plus(Duration.ofDays(11)), baseline).get(0)
                .startsWith("expired on "));
        assertTrue(CertificateWeaknesses.of(cert, null, now.minus(Duration.ofDays(1)), baseline).get(0)
                .startsWith("not valid before "));
        assertEquals(List.of("self-signed"), CertificateWeaknesses.of(CA.certificate(), null, now, baseline));
        assertEquals(List.of(), CertificateWeaknesses.of(cert, null, now,
                new CertificateWeaknesses.Requirements(2048, true, "modern")), "an EC key suits modern");
    }

    @Test
    void theCommonNameCountsOnlyWithoutDnsNames() throws PkiException {
        assertTrue(CertificateNameMatch.matches(leaf(List.of("IP:127.0.0.1")), "localhost"));
        assertFalse(CertificateNameMatch.matches(leaf(List.of("DNS:other.example")), "localhost"));
        assertFalse(CertificateNameMatch.dnsMatches("*.com", "example.com"));
        assertFalse(CertificateNameMatch.dnsMatches("*.example.com", "example.com"));
        assertTrue(CertificateNameMatch.dnsMatches("*.example.com", "www.example.com"));
    }
}
