package analyzer.workshop;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for client and server tests, made directly with BouncyCastle so a test can ask for what no
 * well-behaved CA issues: an expired certificate, one not yet valid, one for another host. EC P-256 keeps it fast.
 */
final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    record Issued(PrivateKey privateKey, X509Certificate certificate) {
        SecretServerConfig.TlsIdentity identity(Issued... intermediates) {
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            for (Issued i : intermediates) {
                chain.add(i.certificate());
            }
            return new SecretServerConfig.TlsIdentity(privateKey, chain);
        }
    }

    private TestCertificates() {
    }

    static Issued ca(String commonName) throws Exception {
        KeyPair keys = keys();
        X500Name name = new X500Name("CN=" + commonName + ",O=Secret Squirrels");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(keys.getPrivate(), sign(b, keys.getPrivate()));
    }

    /** A leaf for localhost and 127.0.0.1, valid from an hour ago for a day. */
    static Issued localhost(Issued ca) throws Exception {
        Instant now = Instant.now();
        return leaf(ca, "localhost", List.of("DNS:localhost", "IP:127.0.0.1"), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)));
    }

    /** @param sans entries such as {@code DNS:localhost} or {@code IP:127.0.0.1} */
    static Issued leaf(Issued ca, String commonName, List<String> sans, Instant notBefore, Instant notAfter)
            throws Exception {
        KeyPair keys = keys();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), keys.getPublic());
        GeneralName[] names = new GeneralName[sans.size()];
        for (int i = 0; i < names.length; i++) {
            String san = sans.get(i);
            names[i] = san.startsWith("IP:") ? new GeneralName(GeneralName.iPAddress, san.substring(3))
                    : new GeneralName(GeneralName.dNSName, san.substring(4));
        }
        if (names.length > 0) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Issued(keys.getPrivate(), sign(b, ca.privateKey()));
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        return gen.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
