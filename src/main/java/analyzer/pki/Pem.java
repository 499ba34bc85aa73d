package analyzer.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * PEM files as OpenSSL, curl, Python's cryptography and Netty read them. Private keys are PKCS#8, encrypted
 * (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC) when a passphrase is given, and created with mode 0600 so that they
 * are never readable by others, not even for a moment. No writer replaces an existing file unless forced.
 */
public final class Pem {

    /**
     * PBKDF2 rounds for an encrypted key. OpenSSL's default is 2048; workshop passphrases are short, so each guess
     * is made dearer, at a cost of a few tens of milliseconds whenever the key is loaded.
     */
    static final int KEY_ENCRYPTION_ITERATIONS = 100_000;

    private static final Set<java.nio.file.attribute.PosixFilePermission> SECRET =
            PosixFilePermissions.fromString("rw-------");
    private static final Set<java.nio.file.attribute.PosixFilePermission> PUBLIC =
            PosixFilePermissions.fromString("rw-r--r--");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Pem() {
    }

    /** Writes certificates (a chain: leaf first) to a new file; an existing file is an error. */
    public static void writeCertificates(Path file, X509Certificate... certificates) throws PkiException {
        writeCertificates(file, false, certificates);
    }

    public static void writeCertificates(Path file, boolean force, X509Certificate... certificates)
            throws PkiException {
        write(file, force, false, pem(file, certificates));
    }

    public static void writeCsr(Path file, PKCS10CertificationRequest csr) throws PkiException {
        writeCsr(file, csr, false);
    }

    public static void writeCsr(Path file, PKCS10CertificationRequest csr, boolean force) throws PkiException {
        write(file, force, false, pem(file, csr));
    }

    /**
     * Writes a private key as PKCS#8 PEM, mode 0600 from creation on; encrypted when a passphrase is given
     * ({@code openssl pkey -passin pass:… -in FILE} reads it), in the clear when it is null.
     */
    public static void writePrivateKey(Path file, PrivateKey key, char[] passphraseOrNull) throws PkiException {
        writePrivateKey(file, key, passphraseOrNull, false);
    }

    public static void writePrivateKey(Path file, PrivateKey key, char[] passphraseOrNull, boolean force)
            throws PkiException {
        JcaPKCS8Generator generator;
        try {
            if (passphraseOrNull == null) {
                generator = new JcaPKCS8Generator(key, null);
            } else {
                if (passphraseOrNull.length == 0) {
                    throw new PkiException("the passphrase for " + file + " is empty");
                }
                generator = new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setPRF(PKCS8Generator.PRF_HMACSHA256)
                        .setIterationCount(KEY_ENCRYPTION_ITERATIONS)
                        .setRandom(RANDOM)
                        .setPassword(passphraseOrNull)
                        .setProvider(BcProvider.INSTANCE)
                        .build());
            }
        } catch (OperatorCreationException | org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new PkiException("cannot encode the private key for " + file + ": " + PkiException.reasonOf(e), e);
        }
        write(file, force, true, pem(file, generator));
    }

    /** The certificates in a PEM file (or a single DER certificate), in file order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) throws PkiException {
        byte[] bytes = readBytes(file);
        List<Object> objects = parse(file, bytes);
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object object : objects) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new PkiException(file + " holds a damaged certificate: " + PkiException.reasonOf(e), e);
                }
            }
        }
        if (!certificates.isEmpty()) {
            return List.copyOf(certificates);
        }
        if (objects.isEmpty() && bytes.length > 0 && bytes[0] == 0x30) {
            try {
                return List.of((X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(bytes)));
            } catch (CertificateException e) {
                throw new PkiException(file + " is neither PEM nor a DER certificate", e);
            }
        }
        throw new PkiException(file + " holds no certificate" + whatItHolds(objects));
    }

    /** The certificate signing request in a PEM file. Its signature is not checked here; signing checks it. */
    public static PKCS10CertificationRequest readCsr(Path file) throws PkiException {
        List<Object> objects = parse(file, readBytes(file));
        for (Object object : objects) {
            if (object instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
        }
        throw new PkiException(file + " holds no certificate signing request" + whatItHolds(objects));
    }

    /** What a PEM file holds, judged by its first block. */
    public enum Kind { CERTIFICATE, CSR, PRIVATE_KEY, OTHER }

    /** What the file holds: its first PEM block's kind; a DER file counts as a certificate. */
    public static Kind kindOf(Path file) throws PkiException {
        byte[] bytes = readBytes(file);
        List<Object> objects = parse(file, bytes);
        if (objects.isEmpty()) {
            return bytes.length > 0 && bytes[0] == 0x30 ? Kind.CERTIFICATE : Kind.OTHER;
        }
        Object first = objects.get(0);
        if (first instanceof X509CertificateHolder) {
            return Kind.CERTIFICATE;
        }
        if (first instanceof PKCS10CertificationRequest) {
            return Kind.CSR;
        }
        return isPrivateKey(first) ? Kind.PRIVATE_KEY : Kind.OTHER;
    }

    /** Whether the private key in a PEM file is encrypted, i.e. whether reading it needs a passphrase. */
    public static boolean isEncryptedPrivateKey(Path file) throws PkiException {
        for (Object object : parse(file, readBytes(file))) {
            if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                return true;
            }
        }
        return false;
    }

    /**
     * The private key in a PEM file: encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY"), clear PKCS#8 ("PRIVATE KEY"), or
     * OpenSSL's traditional RSA/EC forms, encrypted or not. The passphrase is ignored for a clear key.
     */
    public static PrivateKey readPrivateKey(Path file, char[] passphraseOrNull) throws PkiException {
        List<Object> objects = parse(file, readBytes(file));
        for (Object object : objects) {
            PrivateKeyInfo info = privateKeyInfo(file, object, passphraseOrNull);
            if (info != null) {
                try {
                    return new JcaPEMKeyConverter().getPrivateKey(info);
                } catch (IOException e) {
                    throw new PkiException(file + " holds a private key this tool cannot use: " + PkiException.reasonOf(e), e);
                }
            }
        }
        throw new PkiException(file + " holds no private key" + whatItHolds(objects));
    }

    private static PrivateKeyInfo privateKeyInfo(Path file, Object object, char[] passphrase) throws PkiException {
        try {
            if (object instanceof PrivateKeyInfo info) {
                return info;
            }
            if (object instanceof PEMKeyPair pair) {
                return pair.getPrivateKeyInfo();
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                requirePassphrase(file, passphrase);
                return encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                        .setProvider(BcProvider.INSTANCE).build(passphrase));
            }
            if (object instanceof PEMEncryptedKeyPair encrypted) {
                requirePassphrase(file, passphrase);
                return encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                        .setProvider(BcProvider.INSTANCE).build(passphrase)).getPrivateKeyInfo();
            }
            return null;
        } catch (PKCSException | IOException | IllegalArgumentException e) {
            // A wrong passphrase shows up as bad padding or, rarely, as garbage that is not a key: either way,
            // the passphrase is what the user can fix.
            throw new PkiException("wrong passphrase for " + file, e);
        } catch (OperatorCreationException e) {
            throw new PkiException(file + " is encrypted with a scheme this tool cannot decrypt: " + PkiException.reasonOf(e), e);
        }
    }

    private static void requirePassphrase(Path file, char[] passphrase) throws PkiException {
        if (passphrase == null) {
            throw new PkiException(file + " is encrypted; a passphrase is needed to read it");
        }
    }

    private static String whatItHolds(List<Object> objects) {
        if (objects.isEmpty()) {
            return " (no PEM block found)";
        }
        Object first = objects.get(0);
        String kind;
        if (first instanceof X509CertificateHolder) {
            kind = "a certificate";
        } else if (first instanceof PKCS10CertificationRequest) {
            kind = "a certificate signing request";
        } else if (isPrivateKey(first)) {
            kind = "a private key";
        } else if (first instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) {
            kind = "a bare public key";
        } else {
            kind = "something else";
        }
        return " (it holds " + kind + ")";
    }

    private static boolean isPrivateKey(Object object) {
        return object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
                || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair;
    }

    private static List<Object> parse(Path file, byte[] bytes) throws PkiException {
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                // "openssl ecparam -genkey" puts the curve's name (or parameters) before the key: not content.
                if (!(object instanceof ASN1ObjectIdentifier) && !(object instanceof X9ECParameters)) {
                    objects.add(object);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new PkiException(file + " is not a valid PEM file: " + PkiException.reasonOf(e), e);
        }
        return objects;
    }

    private static byte[] readBytes(Path file) throws PkiException {
        try {
            if (Files.isDirectory(file)) {
                throw new PkiException(file + " is a directory, not a file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PkiException(file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new PkiException("cannot read " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] pem(Path file, Object... objects) throws PkiException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                if (object instanceof org.bouncycastle.util.io.pem.PemObjectGenerator generator) {
                    writer.writeObject(generator);
                } else {
                    writer.writeObject(object);
                }
            }
        } catch (IOException e) {
            throw new PkiException("cannot encode " + file + ": " + e.getMessage(), e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Creates the file with its final permissions (so a key is never briefly world-readable). Without force the
     * creation itself refuses an existing file; with force the content goes to a sibling temporary file, created
     * with the same permissions, that atomically replaces the old one (whose permissions might have been looser).
     */
    private static void write(Path file, boolean force, boolean secret, byte[] content) throws PkiException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new PkiException("cannot write " + file + ": directory " + parent + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new PkiException("cannot write " + file + ": it is a directory");
        }
        FileAttribute<?>[] attributes = permissions(parent, secret);
        if (!force && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw exists(file);
        }
        try {
            if (!force) {
                writeNew(file, content, attributes);
                return;
            }
            Path temporary = Files.createTempFile(parent, "." + file.getFileName(), ".tmp", attributes);
            try {
                Files.write(temporary, content);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (FileAlreadyExistsException e) {
            throw exists(file);
        } catch (AccessDeniedException e) {
            throw new PkiException("cannot write " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new PkiException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeNew(Path file, byte[] content, FileAttribute<?>[] attributes) throws IOException {
        // Opening fails on an existing file before anything is created: only a file made here is cleaned up.
        SeekableByteChannel created = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes);
        boolean complete = false;
        try (SeekableByteChannel channel = created) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            complete = true;
        } finally {
            if (!complete) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static PkiException exists(Path file) {
        return new PkiException(file + " exists; use --force to overwrite");
    }

    private static FileAttribute<?>[] permissions(Path directory, boolean secret) {
        if (directory == null || !directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(secret ? SECRET : PUBLIC)};
    }
}
