package analyzer.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A forged server certificate and its key, as a TLS server presents them: chain[0] the leaf, chain[1] the CA. */
public record ForgedLeaf(PrivateKey privateKey, X509Certificate[] chain) {

    public X509Certificate certificate() {
        return chain[0];
    }
}
