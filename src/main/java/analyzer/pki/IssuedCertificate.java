package analyzer.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** A server's new private key, the CSR made with it, and the certificate a CA signed for that CSR. */
public record IssuedCertificate(PrivateKey privateKey, X509Certificate certificate, PKCS10CertificationRequest csr) {
}
