package analyzer.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
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

    /**
     * Whether the private key belongs to the public one: a sample signed with one is checked with the other. The
     * JDK itself only notices a mismatched server key during a handshake, as an obscure failure on every connection.
     */
    public static boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) throws PkiException {
        KeyType type = of(privateKey);
        if (type != of(publicKey)) {
            return false;
        }
        try {
            byte[] sample = "analyzer key pair check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(type.signatureAlgorithm());
            signer.initSign(privateKey);
            signer.update(sample);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(type.signatureAlgorithm());
            verifier.initVerify(publicKey);
            verifier.update(sample);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
