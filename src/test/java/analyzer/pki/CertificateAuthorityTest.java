package analyzer.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {

    static final SubjectName SQUIRRELS = new SubjectName("Secret Squirrels CA", "Secret Squirrels", "US", "Maryland",
            "Baltimore");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void caCertificateIsASelfSignedCaWithTheRequiredExtensions(KeyType type) throws Exception {
        Instant before = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create(SQUIRRELS, type, Duration.ofDays(30));
        X509CertificateHolder holder = new JcaX509CertificateHolder(ca.certificate());

        assertEquals("C=US,ST=Maryland,L=Baltimore,O=Secret Squirrels,CN=Secret Squirrels CA", holder.getSubject().toString());
        assertEquals(holder.getSubject(), holder.getIssuer());
        assertTrue(holder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.certificate().getPublicKey())));
        assertEquals(type.name(), ca.privateKey().getAlgorithm());
        assertTrue(holder.getSerialNumber().signum() > 0);
        assertTrue(holder.getSerialNumber().bitLength() > 64, "serial should be random, not a counter");

        Extension basic = holder.getExtension(Extension.basicConstraints);
        assertTrue(basic.isCritical());
        assertTrue(BasicConstraints.getInstance(basic.getParsedValue()).isCA());
        Extension usage = holder.getExtension(Extension.keyUsage);
        assertTrue(usage.isCritical());
        assertEquals(new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign), KeyUsage.getInstance(usage.getParsedValue()));
        assertNotNull(holder.getExtension(Extension.subjectKeyIdentifier));

        Instant notBefore = holder.getNotBefore().toInstant();
        assertTrue(notBefore.isBefore(before), "backdated for clock skew");
        assertTrue(notBefore.isAfter(before.minus(Duration.ofHours(1))));
        Duration untilEnd = Duration.between(before, holder.getNotAfter().toInstant());
        assertTrue(untilEnd.compareTo(Duration.ofDays(30).minusMinutes(1)) > 0 && untilEnd.compareTo(Duration.ofDays(30).plusMinutes(1)) < 0,
                untilEnd.toString());
    }

    @Test
    void caSerialsDiffer() {
        BigInteger a = CertificateAuthority.create(SQUIRRELS, KeyType.EC, Duration.ofDays(1)).certificate().getSerialNumber();
        BigInteger b = CertificateAuthority.create(SQUIRRELS, KeyType.EC, Duration.ofDays(1)).certificate().getSerialNumber();
        assertFalse(a.equals(b));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void signedServerCertificateCarriesTheCsrsSubjectAndNamesAndChainsToTheCa(KeyType type) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SQUIRRELS, KeyType.RSA, Duration.ofDays(30));
        SubjectName server = new SubjectName("localhost", "Secret Squirrels", "US", null, null);
        IssuedCertificate issued = ca.issueServerCertificate(server,
                SubjectAltNames.parse("DNS:localhost,IP:127.0.0.1,IP:::1"), type, Duration.ofDays(10));
        X509Certificate cert = issued.certificate();
        X509CertificateHolder holder = new JcaX509CertificateHolder(cert);

        assertEquals("C=US,O=Secret Squirrels,CN=localhost", holder.getSubject().toString());
        assertEquals(new JcaX509CertificateHolder(ca.certificate()).getSubject(), holder.getIssuer());
        assertEquals(List.of("DNS:localhost", "IP:127.0.0.1", "IP:::1"), SubjectAltNames.of(cert));
        assertEquals(type.name(), cert.getPublicKey().getAlgorithm());
        assertTrue(KeyType.belongTogether(issued.privateKey(), cert.getPublicKey()));

        assertFalse(BasicConstraints.getInstance(holder.getExtension(Extension.basicConstraints).getParsedValue()).isCA());
        Extension usage = holder.getExtension(Extension.keyUsage);
        assertTrue(usage.isCritical());
        int expectedUsage = type == KeyType.RSA ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
        assertEquals(new KeyUsage(expectedUsage), KeyUsage.getInstance(usage.getParsedValue()));
        assertTrue(ExtendedKeyUsage.getInstance(holder.getExtension(Extension.extendedKeyUsage).getParsedValue())
                .hasKeyPurposeId(KeyPurposeId.id_kp_serverAuth));
        byte[] caKeyId = SubjectKeyIdentifier.getInstance(new JcaX509CertificateHolder(ca.certificate())
                .getExtension(Extension.subjectKeyIdentifier).getParsedValue()).getKeyIdentifier();
        assertArrayEquals(caKeyId, AuthorityKeyIdentifier.getInstance(
                holder.getExtension(Extension.authorityKeyIdentifier).getParsedValue()).getKeyIdentifierOctets());
        assertNotNull(holder.getExtension(Extension.subjectKeyIdentifier));
        Duration validity = Duration.between(holder.getNotBefore().toInstant(), holder.getNotAfter().toInstant());
        assertEquals(Duration.ofDays(10).plus(CertificateAuthority.BACKDATE).toMinutes(), validity.toMinutes());

        assertPkixValid(cert, ca.certificate());
        assertTrue(CertificateRequests.signatureVerifies(issued.csr()));
    }

    @Test
    void tamperedCsrIsRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SQUIRRELS, KeyType.EC, Duration.ofDays(30));
        KeyPair keys = KeyType.EC.generate();
        PKCS10CertificationRequest csr = CertificateRequests.create(keys, SubjectName.of("mallory.example"),
                List.of("DNS:mallory.example"));
        byte[] encoded = csr.getEncoded();
        // Rewrite the name inside the signed part: the signature no longer covers what the CSR says.
        String text = new String(encoded, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("mallory.example");
        encoded[at] = 'h';
        PKCS10CertificationRequest tampered = new PKCS10CertificationRequest(encoded);
        assertEquals("CN=hallory.example", tampered.getSubject().toString());

        PkiException refused = assertThrows(PkiException.class, () -> ca.sign(tampered, Duration.ofDays(1)));
        assertEquals("the certificate signing request's signature does not verify (it was altered or damaged);"
                + " refusing to sign it", refused.getMessage());
        assertNotNull(ca.sign(csr, Duration.ofDays(1)));
    }

    @Test
    void aCsrCannotAskToBecomeACa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SQUIRRELS, KeyType.EC, Duration.ofDays(30));
        KeyPair keys = KeyType.EC.generate();
        Extensions asked = new Extensions(new Extension[] {
            new Extension(Extension.basicConstraints, true, new BasicConstraints(true).getEncoded()),
            new Extension(Extension.subjectAlternativeName, false,
                    SubjectAltNames.toGeneralNames(List.of("DNS:evil.example")).getEncoded())});
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(SubjectName.of("evil.example").toX500Name(),
                keys.getPublic()).addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, asked)
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        X509Certificate cert = ca.sign(csr, Duration.ofDays(1));
        assertEquals(-1, cert.getBasicConstraints());
        assertEquals(List.of("DNS:evil.example"), SubjectAltNames.of(cert));
    }

    @Test
    void aCsrWithoutNamesGivesACertificateWithoutNames() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SQUIRRELS, KeyType.EC, Duration.ofDays(30));
        PKCS10CertificationRequest csr = CertificateRequests.create(KeyType.EC.generate(), SubjectName.of("bare"), List.of());
        X509Certificate cert = ca.sign(csr, Duration.ofDays(1));
        assertNull(new JcaX509CertificateHolder(cert).getExtension(Extension.subjectAlternativeName));
        assertEquals(List.of(), SubjectAltNames.of(cert));
    }

    @Test
    void aCertificateDoesNotOutliveItsCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SQUIRRELS, KeyType.EC, Duration.ofDays(2));
        X509Certificate cert = ca.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost"),
                KeyType.EC, Duration.ofDays(365)).certificate();
        assertEquals(ca.certificate().getNotAfter(), cert.getNotAfter());
    }

    @Test
    void loadReadsBackWhatWasWrittenAndSignsWithIt() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SQUIRRELS, KeyType.RSA, Duration.ofDays(30));
        Path cert = dir.resolve("ca-public-key.pem");
        Path key = dir.resolve("ca-private-key.pem");
        Pem.writeCertificates(cert, ca.certificate());
        Pem.writePrivateKey(key, ca.privateKey(), "acorns".toCharArray());

        CertificateAuthority loaded = CertificateAuthority.load(cert, key, "acorns".toCharArray());
        assertEquals(ca.certificate(), loaded.certificate());
        X509Certificate issued = loaded.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost"),
                KeyType.EC, Duration.ofDays(1)).certificate();
        assertPkixValid(issued, ca.certificate());
    }

    @Test
    void loadExplainsWhatIsWrong() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SQUIRRELS, KeyType.EC, Duration.ofDays(30));
        CertificateAuthority other = CertificateAuthority.create(SQUIRRELS, KeyType.EC, Duration.ofDays(30));
        IssuedCertificate leaf = ca.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost"),
                KeyType.EC, Duration.ofDays(1));
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca-key.pem");
        Path otherKey = dir.resolve("other-key.pem");
        Path leafCert = dir.resolve("leaf.pem");
        Path leafKey = dir.resolve("leaf-key.pem");
        Pem.writeCertificates(cert, ca.certificate());
        Pem.writePrivateKey(key, ca.privateKey(), "acorns".toCharArray());
        Pem.writePrivateKey(otherKey, other.privateKey(), null);
        Pem.writeCertificates(leafCert, leaf.certificate());
        Pem.writePrivateKey(leafKey, leaf.privateKey(), null);

        assertEquals(dir.resolve("missing.pem") + " does not exist", assertThrows(PkiException.class,
                () -> CertificateAuthority.load(dir.resolve("missing.pem"), key, null)).getMessage());
        assertEquals("wrong passphrase for " + key, assertThrows(PkiException.class,
                () -> CertificateAuthority.load(cert, key, "walnuts".toCharArray())).getMessage());
        assertEquals(key + " is encrypted; a passphrase is needed to read it", assertThrows(PkiException.class,
                () -> CertificateAuthority.load(cert, key, null)).getMessage());
        assertEquals(leafCert + " is not a CA certificate (CN=localhost lacks basicConstraints CA:true)",
                assertThrows(PkiException.class, () -> CertificateAuthority.load(leafCert, leafKey, null)).getMessage());
        assertEquals(otherKey + " is not the private key of the certificate in " + cert,
                assertThrows(PkiException.class, () -> CertificateAuthority.load(cert, otherKey, null)).getMessage());
        assertEquals(key + " holds no certificate (it holds a private key)",
                assertThrows(PkiException.class, () -> CertificateAuthority.load(key, key, null)).getMessage());
    }

    static void assertPkixValid(X509Certificate leaf, X509Certificate ca) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }
}
