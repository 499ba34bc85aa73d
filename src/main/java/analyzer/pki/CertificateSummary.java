package analyzer.pki;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * What a certificate says, for people ({@code analyzer pki show}) and scripts: who it speaks for, who vouches for
 * it, when, for which names, with what key, and what it may be used for.
 *
 * @param publicKey           "RSA 2048", "EC P-256"
 * @param sha256Fingerprint   upper-case hex pairs joined by ':', as {@code openssl x509 -fingerprint -sha256}
 * @param pathLength          for a CA, how many CAs may follow it in a chain (-1 when unlimited); -1 otherwise
 */
public record CertificateSummary(String subject, String issuer, String serialNumber, Instant notBefore,
        Instant notAfter, List<String> subjectAltNames, String publicKey, String signatureAlgorithm,
        String sha256Fingerprint, boolean certificateAuthority, int pathLength, boolean selfSigned,
        List<String> keyUsages, List<String> extendedKeyUsages) {

    private static final String[] KEY_USAGE_NAMES = {"digitalSignature", "nonRepudiation", "keyEncipherment",
        "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
    private static final Map<String, String> EXTENDED_KEY_USAGE_NAMES = Map.of(
            "1.3.6.1.5.5.7.3.1", "serverAuth",
            "1.3.6.1.5.5.7.3.2", "clientAuth",
            "1.3.6.1.5.5.7.3.3", "codeSigning",
            "1.3.6.1.5.5.7.3.4", "emailProtection",
            "1.3.6.1.5.5.7.3.8", "timeStamping",
            "1.3.6.1.5.5.7.3.9", "OCSPSigning",
            "2.5.29.37.0", "anyExtendedKeyUsage");

    public static CertificateSummary describe(X509Certificate certificate) throws PkiException {
        byte[] encoded;
        List<String> extended = new ArrayList<>();
        try {
            encoded = certificate.getEncoded();
            List<String> oids = certificate.getExtendedKeyUsage();
            if (oids != null) {
                for (String oid : oids) {
                    extended.add(EXTENDED_KEY_USAGE_NAMES.getOrDefault(oid, oid));
                }
            }
        } catch (CertificateEncodingException | CertificateParsingException e) {
            throw new PkiException("cannot read the certificate of " + certificate.getSubjectX500Principal(), e);
        }
        List<String> usages = new ArrayList<>();
        boolean[] bits = certificate.getKeyUsage();
        if (bits != null) {
            for (int i = 0; i < bits.length && i < KEY_USAGE_NAMES.length; i++) {
                if (bits[i]) {
                    usages.add(KEY_USAGE_NAMES[i]);
                }
            }
        }
        int constraint = certificate.getBasicConstraints();
        boolean ca = constraint >= 0;
        return new CertificateSummary(
                DistinguishedNames.subject(certificate),
                DistinguishedNames.issuer(certificate),
                certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(),
                SubjectAltNames.of(certificate),
                describeKey(SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded())),
                certificate.getSigAlgName(),
                fingerprint(encoded),
                ca,
                ca && constraint != Integer.MAX_VALUE ? constraint : -1,
                isSelfSigned(certificate),
                List.copyOf(usages),
                List.copyOf(extended));
    }

    /** Whether the certificate is valid at the given moment. */
    public boolean validAt(Instant instant) {
        return !instant.isBefore(notBefore) && !instant.isAfter(notAfter);
    }

    static String describeKey(SubjectPublicKeyInfo info) {
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        try {
            if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
                return "RSA " + RSAPublicKey.getInstance(info.parsePublicKey()).getModulus().bitLength();
            }
            if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
                if (info.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve) {
                    String nist = NISTNamedCurves.getName(curve);
                    String name = nist != null ? nist : ECNamedCurveTable.getName(curve);
                    return "EC " + (name != null ? name : curve.getId());
                }
                return "EC (explicit curve parameters)";
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            return "damaged " + algorithm.getId() + " key";
        }
        if (algorithm.getId().equals("1.3.101.112")) {
            return "Ed25519";
        }
        if (algorithm.getId().equals("1.3.101.113")) {
            return "Ed448";
        }
        return algorithm.getId();
    }

    static String fingerprint(byte[] encoded) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every Java runtime", e);
        }
    }

    /** Issued by itself: its issuer is its subject and its own key verifies its signature. */
    static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
