package analyzer.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForgedCertificateAuthorityTest {

    @TempDir
    Path dir;

    @Test
    void caIsMadeOncePrivatelyAndReused() throws Exception {
        Path home = dir.resolve("mitm");
        ForgedCertificateAuthority first = ForgedCertificateAuthority.loadOrCreate(home);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        Path key = home.resolve(ForgedCertificateAuthority.KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertFalse(Pem.isEncryptedPrivateKey(key));
        X509Certificate ca = first.caCertificate();
        assertEquals("CN=analyzer MITM CA, O=analyzer", DistinguishedNames.subject(ca));
        assertTrue(ca.getBasicConstraints() >= 0);
        assertEquals(List.of(ca), Pem.readCertificates(home.resolve(ForgedCertificateAuthority.CERTIFICATE_FILE)));
        Duration validity = Duration.between(Instant.now(), ca.getNotAfter().toInstant());
        assertTrue(validity.toDays() >= 364 && validity.toDays() <= 365, validity.toString());

        ForgedCertificateAuthority again = ForgedCertificateAuthority.loadOrCreate(home);
        assertEquals(ca, again.caCertificate());
        CertificateAuthorityTest.assertPkixValid(again.leafFor("example.org").certificate(), ca);
    }

    @Test
    void inMemoryCaForgesWithoutTouchingTheDisk() throws Exception {
        ForgedCertificateAuthority forger = ForgedCertificateAuthority.inMemory();
        assertEquals("CN=analyzer MITM CA, O=analyzer", DistinguishedNames.subject(forger.caCertificate()));
        CertificateAuthorityTest.assertPkixValid(forger.leafFor("localhost").certificate(), forger.caCertificate());
        assertFalse(forger.caCertificate().equals(ForgedCertificateAuthority.inMemory().caCertificate()));
    }

    @Test
    void halfACaIsReportedNotOverwritten() throws Exception {
        ForgedCertificateAuthority.loadOrCreate(dir);
        Files.delete(dir.resolve(ForgedCertificateAuthority.KEY_FILE));
        PkiException e = assertThrows(PkiException.class, () -> ForgedCertificateAuthority.loadOrCreate(dir));
        assertEquals(dir + " holds only mitm-ca.pem of the proxy's CA; remove it to make a new CA, or restore"
                + " mitm-ca-key.pem", e.getMessage());
    }

    @Test
    void leavesNameTheHostAndChainToTheForgingCa() throws Exception {
        ForgedCertificateAuthority forger = ForgedCertificateAuthority.loadOrCreate(dir);
        Instant now = Instant.now();
        ForgedLeaf leaf = forger.leafFor("LocalHost.");
        X509Certificate cert = leaf.certificate();
        assertEquals(2, leaf.chain().length);
        assertSame(forger.caCertificate(), leaf.chain()[1]);
        assertEquals("CN=localhost", DistinguishedNames.subject(cert));
        assertEquals(List.of("DNS:localhost"), SubjectAltNames.of(cert));
        assertTrue(cert.getExtendedKeyUsage().contains(KeyPurposeId.id_kp_serverAuth.getId()));
        assertEquals(-1, cert.getBasicConstraints());
        assertTrue(new JcaX509CertificateHolder(cert).getExtension(Extension.authorityKeyIdentifier) != null);
        Duration backdate = Duration.between(cert.getNotBefore().toInstant(), now);
        assertTrue(backdate.toHours() >= 23 && backdate.toHours() <= 24, backdate.toString());
        Duration ahead = Duration.between(now, cert.getNotAfter().toInstant());
        assertTrue(ahead.toDays() >= 29 && ahead.toDays() <= 30, ahead.toString());
        assertTrue(KeyType.belongTogether(leaf.privateKey(), cert.getPublicKey()));
        CertificateAuthorityTest.assertPkixValid(cert, forger.caCertificate());

        assertEquals(List.of("IP:127.0.0.1"), SubjectAltNames.of(forger.leafFor("127.0.0.1").certificate()));
        assertEquals(List.of("IP:::1"), SubjectAltNames.of(forger.leafFor("[0:0:0:0:0:0:0:1]").certificate()));
        assertEquals("CN=::1", DistinguishedNames.subject(forger.leafFor("::1").certificate()));
        assertThrows(PkiException.class, () -> forger.leafFor(" "));
        assertThrows(PkiException.class, () -> forger.leafFor("bad host"));
        assertEquals("cannot forge a certificate for 'localhost:8443': pass the host without a port",
                assertThrows(PkiException.class, () -> forger.leafFor("localhost:8443")).getMessage());
    }

    @Test
    void oneKeyForAllHostsAndCachedLeaves() throws Exception {
        ForgedCertificateAuthority forger = ForgedCertificateAuthority.loadOrCreate(dir);
        ForgedLeaf a = forger.leafFor("a.example");
        ForgedLeaf b = forger.leafFor("b.example");
        assertSame(a.privateKey(), b.privateKey());
        assertEquals(a.certificate().getPublicKey(), b.certificate().getPublicKey());
        assertFalse(a.certificate().getSerialNumber().equals(b.certificate().getSerialNumber()));
        assertSame(a, forger.leafFor("A.example"), "a host seen before is served from the cache");

        for (int i = 0; i < ForgedCertificateAuthority.CACHE_SIZE; i++) {
            forger.leafFor("host" + i + ".example");
        }
        assertNotSame(a, forger.leafFor("a.example"), "the least recently used host was evicted");
    }

    @Test
    void leavesEndWithTheirCaAndAreForgedAgainWhenAboutToExpire() throws Exception {
        CertificateAuthority longLived = CertificateAuthority.create(SubjectName.of("ten days"), KeyType.EC, Duration.ofDays(10));
        ForgedCertificateAuthority forger = new ForgedCertificateAuthority(longLived);
        ForgedLeaf leaf = forger.leafFor("localhost");
        assertEquals(longLived.certificate().getNotAfter(), leaf.certificate().getNotAfter());
        assertSame(leaf, forger.leafFor("localhost"));

        CertificateAuthority ending = CertificateAuthority.create(SubjectName.of("twelve hours"), KeyType.EC, Duration.ofHours(12));
        ForgedCertificateAuthority late = new ForgedCertificateAuthority(ending);
        ForgedLeaf first = late.leafFor("localhost");
        assertNotSame(first, late.leafFor("localhost"), "a leaf within a day of its end is not served from the cache");
    }

    @Test
    void anExpiredCaIsReportedNotReplaced() throws Exception {
        java.security.KeyPair keys = KeyType.EC.generate();
        org.bouncycastle.asn1.x500.X500Name name = SubjectName.of(ForgedCertificateAuthority.COMMON_NAME).toX500Name();
        long day = Duration.ofDays(1).toMillis();
        long now = System.currentTimeMillis();
        X509Certificate expired = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.TWO,
                        new java.util.Date(now - 30 * day), new java.util.Date(now - day), name, keys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true))
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                                .build(keys.getPrivate())));
        Pem.writeCertificates(dir.resolve(ForgedCertificateAuthority.CERTIFICATE_FILE), expired);
        Pem.writePrivateKey(dir.resolve(ForgedCertificateAuthority.KEY_FILE), keys.getPrivate(), null);
        PkiException e = assertThrows(PkiException.class, () -> ForgedCertificateAuthority.loadOrCreate(dir));
        assertTrue(e.getMessage().startsWith("the proxy's CA in " + dir + " expired on "), e.getMessage());
        assertEquals(List.of(expired), Pem.readCertificates(dir.resolve(ForgedCertificateAuthority.CERTIFICATE_FILE)));
    }

    @Test
    void concurrentCallersGetValidLeaves() throws Exception {
        ForgedCertificateAuthority forger = ForgedCertificateAuthority.loadOrCreate(dir);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ForgedLeaf>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String host = "h" + (i % 20) + ".example";
                results.add(pool.submit(() -> forger.leafFor(host)));
            }
            for (int i = 0; i < results.size(); i++) {
                X509Certificate cert = results.get(i).get(30, TimeUnit.SECONDS).certificate();
                assertEquals(List.of("DNS:h" + (i % 20) + ".example"), SubjectAltNames.of(cert));
                cert.verify(forger.caCertificate().getPublicKey());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
