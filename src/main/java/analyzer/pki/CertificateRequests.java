package analyzer.pki;

import java.io.IOException;
import java.security.KeyPair;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificate signing requests: what a server sends a CA to ask for a certificate. */
public final class CertificateRequests {

    private CertificateRequests() {
    }

    /**
     * A CSR for the key pair's public key, signed with its private key (which proves the requester holds it), with
     * the subject alternative names in its extensionRequest attribute, where {@link CertificateAuthority#sign}
     * finds them.
     */
    public static PKCS10CertificationRequest create(KeyPair keys, SubjectName subject, List<String> sans)
            throws PkiException {
        try {
            JcaPKCS10CertificationRequestBuilder builder =
                    new JcaPKCS10CertificationRequestBuilder(subject.toX500Name(), keys.getPublic());
            if (!sans.isEmpty()) {
                Extension san = new Extension(Extension.subjectAlternativeName, false,
                        SubjectAltNames.toGeneralNames(sans).getEncoded());
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new Extensions(san));
            }
            String algorithm = KeyType.of(keys.getPrivate()).signatureAlgorithm();
            return builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()));
        } catch (IOException | OperatorCreationException e) {
            throw new PkiException("cannot make the certificate signing request: " + e.getMessage(), e);
        }
    }

    /** Whether the CSR's signature verifies with the public key it carries (false for a tampered or damaged CSR). */
    public static boolean signatureVerifies(PKCS10CertificationRequest csr) {
        try {
            // The JDK's key factories, not BouncyCastle's name lookup (which asks for "ECDSA", unknown to the JDK).
            java.security.PublicKey key = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (IOException | OperatorCreationException | PKCSException | RuntimeException e) {
            return false;
        }
    }
}
