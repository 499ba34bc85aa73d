package analyzer.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A certificate authority: a self-signed certificate and its private key, which signs server certificates.
 * Clients that pin this CA's certificate (curl --cacert, {@code analyzer client --cacert}) trust exactly the
 * certificates it signed.
 */
public final class CertificateAuthority {

    /** Clocks disagree by minutes in practice; a certificate valid "from now" would be refused by a slow client. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * A new CA with a fresh key pair and a self-signed certificate: basicConstraints CA:true and keyUsage
     * keyCertSign+cRLSign (both critical), a subject key identifier, a random serial, valid from a few minutes ago
     * for the given duration.
     */
    public static CertificateAuthority create(SubjectName subject, KeyType keyType, Duration validity) {
        requirePositive(validity);
        KeyPair keys = keyType.generate();
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject.toX500Name(),
                    ServerCertificateProfile.randomSerial(),
                    java.util.Date.from(ServerCertificateProfile.seconds(now.minus(BACKDATE))),
                    java.util.Date.from(ServerCertificateProfile.seconds(now.plus(validity))),
                    subject.toX500Name(), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(ServerCertificateProfile.sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (IOException | GeneralSecurityException | PkiException e) {
            // Nothing here depends on input the user controls: the subject is validated by SubjectName already.
            throw new IllegalStateException("cannot build a CA certificate for " + subject, e);
        }
    }

    /**
     * Loads a CA from its PEM certificate and private key (encrypted or not). Refuses a certificate that is not a
     * CA and a key that does not belong to the certificate.
     */
    public static CertificateAuthority load(Path certPem, Path keyPem, char[] passphraseOrNull) throws PkiException {
        X509Certificate certificate = Pem.readCertificates(certPem).get(0);
        if (certificate.getBasicConstraints() < 0) {
            throw new PkiException(certPem + " is not a CA certificate (" + DistinguishedNames.subject(certificate)
                    + " lacks basicConstraints CA:true)");
        }
        boolean[] usage = certificate.getKeyUsage();
        if (usage != null && (usage.length <= 5 || !usage[5])) {
            throw new PkiException(certPem + " is a CA certificate not allowed to sign certificates"
                    + " (keyUsage lacks keyCertSign)");
        }
        PrivateKey key = Pem.readPrivateKey(keyPem, passphraseOrNull);
        if (!KeyType.belongTogether(key, certificate.getPublicKey())) {
            throw new PkiException(keyPem + " is not the private key of the certificate in " + certPem);
        }
        return new CertificateAuthority(certificate, key);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * Signs a server certificate for a CSR whose signature verifies: subject and public key from the CSR, issuer
     * from this CA, and of the CSR's requested extensions only the subject alternative names (a CSR must not be
     * able to ask for CA:true). keyUsage, extendedKeyUsage serverAuth and the key identifiers are set here. The
     * validity is cut to end when this CA's certificate ends: a certificate cannot outlive its issuer.
     */
    public X509Certificate sign(PKCS10CertificationRequest csr, Duration validity) throws PkiException {
        requirePositive(validity);
        if (!CertificateRequests.signatureVerifies(csr)) {
            throw new PkiException("the certificate signing request's signature does not verify"
                    + " (it was altered or damaged); refusing to sign it");
        }
        Instant now = Instant.now();
        Instant caEnd = certificate.getNotAfter().toInstant();
        if (!caEnd.isAfter(now)) {
            throw new PkiException("the CA certificate " + DistinguishedNames.subject(certificate) + " expired on " + caEnd
                    + "; make a new CA");
        }
        PublicKey subjectKey;
        try {
            subjectKey = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
        } catch (IOException e) {
            throw new PkiException("the certificate signing request holds a public key this tool cannot use", e);
        }
        List<String> sans = SubjectAltNames.of(csr.getRequestedExtensions());
        GeneralNames names = SubjectAltNames.toGeneralNames(sans);
        Instant end = now.plus(validity);
        return ServerCertificateProfile.issue(certificate, privateKey, csr.getSubject(), subjectKey, names,
                ServerCertificateProfile.seconds(now.minus(BACKDATE)),
                ServerCertificateProfile.seconds(end.isAfter(caEnd) ? caEnd : end));
    }

    /** A new key pair, a CSR made with it, and this CA's certificate for it, in one step. */
    public IssuedCertificate issueServerCertificate(SubjectName subject, List<String> sans, KeyType keyType,
            Duration validity) throws PkiException {
        KeyPair keys = keyType.generate();
        PKCS10CertificationRequest csr = CertificateRequests.create(keys, subject, sans);
        return new IssuedCertificate(keys.getPrivate(), sign(csr, validity), csr);
    }

    private static void requirePositive(Duration validity) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, not " + validity);
        }
    }
}
