package analyzer.pki;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The BouncyCastle provider, handed to the few operations the JDK's own providers cannot do (PBES2 key
 * encryption with the parameters OpenSSL writes, legacy OpenSSL key decryption). It is deliberately never
 * installed with {@code Security.addProvider}: keys and certificates are produced by the JDK's providers so
 * that the JDK's TLS (and Netty's) uses them exactly as it would its own.
 */
final class BcProvider {

    static final Provider INSTANCE = new BouncyCastleProvider();

    private BcProvider() {
    }
}
