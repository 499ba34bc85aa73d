package analyzer.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** The key pairs the tool makes: RSA 2048 (what the tutorial uses, the default) or EC on P-256 (smaller, faster). */
public enum KeyType {
    RSA("SHA256withRSA"),
    EC("SHA256withECDSA");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String signatureAlgorithm;

    KeyType(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** A fresh key pair from the JDK's providers. */
    public KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(name());
            if (this == RSA) {
                generator.initialize(2048, RANDOM);
            } else {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            // Both algorithms are mandatory in every Java SE runtime.
            throw new IllegalStateException("the Java runtime cannot make " + this + " keys", e);
        }
    }

    /** The algorithm a key of this type signs certificates and CSRs with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** The type of a public or private key; DSA, EdDSA and the like are refused with a one-line reason. */
    public static KeyType of(java.security.Key key) throws PkiException {
        String algorithm = key.getAlgorithm();
        if ("RSA".equalsIgnoreCase(algorithm)) {
            return RSA;
        }
        if ("EC".equalsIgnoreCase(algorithm) || "ECDSA".equalsIgnoreCase(algorithm)) {
            return EC;
        }
        throw new PkiException(algorithm + " keys are not supported; use an RSA or EC (P-256) key");
    }
}
