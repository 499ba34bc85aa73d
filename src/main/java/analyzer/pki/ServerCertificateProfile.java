package analyzer.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What every certificate this tool issues looks like, both the ones a CA signs for a CSR and the ones the proxy
 * forges: a random positive serial, the validity window, and for a TLS server the extensions clients check.
 */
final class ServerCertificateProfile {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ServerCertificateProfile() {
    }

    /**
     * A TLS server certificate. keyUsage is digitalSignature plus keyEncipherment for RSA (TLS 1.2's RSA key
     * exchange encrypts the premaster secret with the server's key) but digitalSignature alone for EC: an EC key
     * cannot encrypt, it only signs (ECDHE), and strict verifiers flag keyEncipherment on an EC key as wrong.
     */
    static X509Certificate issue(X509Certificate issuer, PrivateKey issuerKey, X500Name subject, PublicKey subjectKey,
            GeneralNames sans, Instant notBefore, Instant notAfter) throws PkiException {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            int usage = KeyType.of(subjectKey) == KeyType.RSA
                    ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                    : KeyUsage.digitalSignature;
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, randomSerial(),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuer));
            if (sans.getNames().length > 0) {
                builder.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return sign(builder, issuerKey);
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException("cannot build the certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    /**
     * Signs with BouncyCastle's implementation, about twice as fast as the JDK 17's for ECDSA P-256, which matters
     * when the proxy forges a certificate while a client waits. The certificate object handed back is the JDK's
     * own, so TLS never sees a BouncyCastle class.
     */
    static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) throws PkiException {
        try {
            String algorithm = KeyType.of(signingKey).signatureAlgorithm();
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(algorithm).setProvider(BcProvider.INSTANCE).build(signingKey)));
        } catch (OperatorCreationException | CertificateException e) {
            throw new PkiException("cannot sign the certificate: " + e.getMessage(), e);
        }
    }

    /** 159 random bits, never zero: positive, at most 20 octets (RFC 5280), and unguessable. */
    static BigInteger randomSerial() {
        return new BigInteger(159, RANDOM).setBit(0);
    }

    /** X.509 times have whole seconds; truncating here makes what we ask for equal to what gets encoded. */
    static Instant seconds(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }
}
