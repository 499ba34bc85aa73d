package analyzer.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PemTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void encryptedKeyIsPbes2Aes256WithSha256AndReadsBack(KeyType type) throws Exception {
        PrivateKey key = type.generate().getPrivate();
        Path file = dir.resolve("key.pem");
        Pem.writePrivateKey(file, key, "fluffy tail".toCharArray());

        String text = Files.readString(file);
        assertTrue(text.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), text);
        try (PEMParser parser = new PEMParser(new java.io.StringReader(text))) {
            PKCS8EncryptedPrivateKeyInfo info = (PKCS8EncryptedPrivateKeyInfo) parser.readObject();
            assertEquals(PKCSObjectIdentifiers.id_PBES2, info.getEncryptionAlgorithm().getAlgorithm());
            PBES2Parameters pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
            EncryptionScheme scheme = pbes2.getEncryptionScheme();
            assertEquals(NISTObjectIdentifiers.id_aes256_CBC, scheme.getAlgorithm());
            KeyDerivationFunc kdf = pbes2.getKeyDerivationFunc();
            PBKDF2Params params = PBKDF2Params.getInstance(kdf.getParameters());
            assertEquals(PKCSObjectIdentifiers.id_hmacWithSHA256, params.getPrf().getAlgorithm());
            assertEquals(Pem.KEY_ENCRYPTION_ITERATIONS, params.getIterationCount().intValue());
        }
        assertFalse(text.contains(java.util.Base64.getMimeEncoder().encodeToString(key.getEncoded()).substring(0, 40)));

        PrivateKey read = Pem.readPrivateKey(file, "fluffy tail".toCharArray());
        assertArrayEquals(key.getEncoded(), read.getEncoded());
        assertEquals(type.name(), read.getAlgorithm());
        assertTrue(Pem.isEncryptedPrivateKey(file));
        assertEquals("wrong passphrase for " + file,
                assertThrows(PkiException.class, () -> Pem.readPrivateKey(file, "fluffy".toCharArray())).getMessage());
        assertEquals(file + " is encrypted; a passphrase is needed to read it",
                assertThrows(PkiException.class, () -> Pem.readPrivateKey(file, null)).getMessage());
    }

    @Test
    void clearKeyIsPkcs8() throws Exception {
        PrivateKey key = KeyType.EC.generate().getPrivate();
        Path file = dir.resolve("clear.pem");
        Pem.writePrivateKey(file, key, null);
        assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertFalse(Pem.isEncryptedPrivateKey(file));
        assertArrayEquals(key.getEncoded(), Pem.readPrivateKey(file, null).getEncoded());
        assertArrayEquals(key.getEncoded(), Pem.readPrivateKey(file, "ignored".toCharArray()).getEncoded());
    }

    @Test
    void privateKeysAre0600AndOtherFilesAreNotWorldWritable() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SubjectName.of("t"), KeyType.EC, Duration.ofDays(1));
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Pem.writePrivateKey(key, ca.privateKey(), null);
        Pem.writeCertificates(cert, ca.certificate());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String certMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(cert));
        assertTrue(certMode.startsWith("rw-") && certMode.charAt(7) == '-', certMode);
    }

    @Test
    void existingFilesAreKeptUnlessForced() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SubjectName.of("t"), KeyType.EC, Duration.ofDays(1));
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "precious");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        PkiException refused = assertThrows(PkiException.class, () -> Pem.writePrivateKey(key, ca.privateKey(), null));
        assertEquals(key + " exists; use --force to overwrite", refused.getMessage());
        assertEquals("precious", Files.readString(key));
        assertThrows(PkiException.class, () -> Pem.writeCertificates(key, ca.certificate()));
        assertThrows(PkiException.class, () -> Pem.writeCsr(key,
                CertificateRequests.create(KeyType.EC.generate(), SubjectName.of("x"), List.of())));

        Pem.writePrivateKey(key, ca.privateKey(), null, true);
        assertArrayEquals(ca.privateKey().getEncoded(), Pem.readPrivateKey(key, null).getEncoded());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)),
                "a forced write replaces the loose mode of the old file");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(key), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void writingIntoAMissingDirectoryIsExplained() {
        Path file = dir.resolve("nope").resolve("key.pem");
        PkiException e = assertThrows(PkiException.class,
                () -> Pem.writePrivateKey(file, KeyType.EC.generate().getPrivate(), null));
        assertEquals("cannot write " + file + ": directory " + file.getParent() + " does not exist", e.getMessage());
    }

    @Test
    void chainsAndCsrsRoundTrip() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SubjectName.of("ca"), KeyType.EC, Duration.ofDays(1));
        IssuedCertificate issued = ca.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost"),
                KeyType.EC, Duration.ofDays(1));
        Path chain = dir.resolve("chain.pem");
        Pem.writeCertificates(chain, issued.certificate(), ca.certificate());
        assertEquals(List.of(issued.certificate(), ca.certificate()), Pem.readCertificates(chain));
        assertTrue(Files.readString(chain).startsWith("-----BEGIN CERTIFICATE-----\n"));

        Path csr = dir.resolve("csr.pem");
        Pem.writeCsr(csr, issued.csr());
        assertTrue(Files.readString(csr).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"));
        PKCS10CertificationRequest read = Pem.readCsr(csr);
        assertEquals(issued.csr(), read);
        assertEquals(List.of("DNS:localhost"), SubjectAltNames.of(read.getRequestedExtensions()));

        Path der = dir.resolve("cert.der");
        Files.write(der, ca.certificate().getEncoded());
        assertEquals(List.of(ca.certificate()), Pem.readCertificates(der));
    }

    @Test
    void readersSayWhatTheFileHoldsInstead() throws Exception {
        Path key = dir.resolve("key.pem");
        Pem.writePrivateKey(key, KeyType.EC.generate().getPrivate(), null);
        assertEquals(key + " holds no certificate signing request (it holds a private key)",
                assertThrows(PkiException.class, () -> Pem.readCsr(key)).getMessage());
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "hello\n");
        assertEquals(junk + " holds no private key (no PEM block found)",
                assertThrows(PkiException.class, () -> Pem.readPrivateKey(junk, null)).getMessage());
        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(PkiException.class, () -> Pem.readCertificates(broken)).getMessage()
                .startsWith(broken + " is not a valid PEM file: "));
        assertEquals(dir + " is a directory, not a file",
                assertThrows(PkiException.class, () -> Pem.readCertificates(dir)).getMessage());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void opensslReadsOurEncryptedKeyAndWeReadItsKeys(KeyType type) throws Exception {
        OpenSsl.require();
        PrivateKey key = type.generate().getPrivate();
        Path ours = dir.resolve("ours.pem");
        Pem.writePrivateKey(ours, key, "acorn stash".toCharArray());
        Path decrypted = dir.resolve("decrypted-by-openssl.pem");
        OpenSsl.Result read = OpenSsl.run("pkey", "-in", ours.toString(), "-passin", "pass:acorn stash",
                "-out", decrypted.toString());
        assertEquals(0, read.code(), read.output());
        PrivateKey fromOpenSsl = Pem.readPrivateKey(decrypted, null);
        assertSameKey(key, fromOpenSsl);
        assertTrue(OpenSsl.run("pkey", "-in", ours.toString(), "-passin", "pass:wrong", "-noout").code() != 0);

        // OpenSSL's traditional forms ("BEGIN RSA/EC PRIVATE KEY"), clear and encrypted, and its own PKCS#8.
        Path traditional = dir.resolve("traditional.pem");
        Path traditionalEncrypted = dir.resolve("traditional-enc.pem");
        Path pkcs8 = dir.resolve("pkcs8-enc.pem");
        if (type == KeyType.RSA) {
            assertEquals(0, OpenSsl.run("genrsa", "-traditional", "-out", traditional.toString(), "2048").code());
        } else {
            assertEquals(0, OpenSsl.run("ecparam", "-name", "prime256v1", "-genkey", "-out", traditional.toString()).code());
        }
        String algorithm = type == KeyType.RSA ? "rsa" : "ec";
        // "openssl rsa" writes PKCS#8 unless told otherwise; "openssl ec" writes the traditional form only.
        List<String> encrypt = new java.util.ArrayList<>(List.of(algorithm, "-in", traditional.toString(), "-aes256",
                "-passout", "pass:nuts", "-out", traditionalEncrypted.toString()));
        if (type == KeyType.RSA) {
            encrypt.add("-traditional");
        }
        assertEquals(0, OpenSsl.run(encrypt.toArray(String[]::new)).code());
        assertEquals(0, OpenSsl.run("pkcs8", "-topk8", "-in", traditional.toString(), "-passout", "pass:nuts",
                "-v2", "aes-256-cbc", "-out", pkcs8.toString()).code());
        String header = Files.readString(traditional, StandardCharsets.US_ASCII);
        assertTrue(header.contains("-----BEGIN " + type.name() + " PRIVATE KEY-----"), header);
        assertTrue(Files.readString(traditionalEncrypted).contains("Proc-Type: 4,ENCRYPTED"));

        PrivateKey expected = Pem.readPrivateKey(traditional, null);
        assertEquals(type.name(), expected.getAlgorithm());
        assertSameKey(expected, Pem.readPrivateKey(traditionalEncrypted, "nuts".toCharArray()));
        assertSameKey(expected, Pem.readPrivateKey(pkcs8, "nuts".toCharArray()));
        assertTrue(Pem.isEncryptedPrivateKey(traditionalEncrypted));
        assertEquals("wrong passphrase for " + traditionalEncrypted, assertThrows(PkiException.class,
                () -> Pem.readPrivateKey(traditionalEncrypted, "bolts".toCharArray())).getMessage());
    }

    /** Encodings differ between tools (OpenSSL adds the public point to an EC key): compare the secret itself. */
    static void assertSameKey(PrivateKey expected, PrivateKey actual) {
        if (expected instanceof java.security.interfaces.RSAPrivateKey rsa) {
            java.security.interfaces.RSAPrivateKey other = (java.security.interfaces.RSAPrivateKey) actual;
            assertEquals(rsa.getModulus(), other.getModulus());
            assertEquals(rsa.getPrivateExponent(), other.getPrivateExponent());
        } else {
            assertEquals(((java.security.interfaces.ECPrivateKey) expected).getS(),
                    ((java.security.interfaces.ECPrivateKey) actual).getS());
        }
    }

    /** Damaged blocks of each kind: the message says what is wrong in words, without the libraries' class names. */
    @Test
    void damagedBlocksAreDescribedWithoutClassNames() throws Exception {
        java.util.Random random = new java.util.Random(7);
        byte[] noise = new byte[300];
        random.nextBytes(noise);
        byte[] badLength = new byte[54];
        random.nextBytes(badLength);
        badLength[0] = 0x30;
        badLength[1] = (byte) 0x82;
        badLength[2] = 0x01;
        badLength[3] = 0x00;
        byte[] tinySequence = {0x30, 0x03, 0x02, 0x01, 0x05};
        String[] kinds = {"CERTIFICATE", "PRIVATE KEY", "CERTIFICATE REQUEST", "ENCRYPTED PRIVATE KEY",
            "EC PRIVATE KEY", "RSA PRIVATE KEY"};
        int n = 0;
        for (String kind : kinds) {
            for (byte[] content : List.of(noise, badLength, tinySequence)) {
                Path file = dir.resolve("damaged-" + n++ + ".pem");
                Files.writeString(file, "-----BEGIN " + kind + "-----\n"
                        + java.util.Base64.getMimeEncoder().encodeToString(content) + "\n-----END " + kind + "-----\n");
                for (org.junit.jupiter.api.function.Executable read : List.<org.junit.jupiter.api.function.Executable>of(
                        () -> Pem.kindOf(file), () -> Pem.readCertificates(file),
                        () -> Pem.readPrivateKey(file, "x".toCharArray()))) {
                    PkiException e = assertThrows(PkiException.class, read);
                    String m = e.getMessage();
                    assertTrue(m.startsWith(file.toString()), m);
                    assertFalse(m.matches("(?s).*\\b(java|javax|org|sun)\\.[a-z]+\\..*"), kind + ": " + m);
                    assertFalse(m.matches("(?s).*[A-Za-z]+(Exception|Error)\\b.*"), kind + ": " + m);
                    assertFalse(m.contains("\n"), m);
                }
            }
        }
    }
}
