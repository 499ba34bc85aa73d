package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.CertificateSummary;
import analyzer.pki.OpenSsl;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import analyzer.pki.SubjectAltNames;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {

    @TempDir
    Path dir;

    /** Stands in for the process environment. */
    final Map<String, String> environment = new HashMap<>();
    /** Answers the terminal would type, in order; empty means "no terminal". */
    final Deque<String> typed = new ArrayDeque<>();

    @BeforeEach
    void standInForEnvironmentAndTerminal() {
        PkiPassphrases.environment = environment::get;
        PkiPassphrases.prompt = question -> typed.isEmpty() ? null : typed.removeFirst().toCharArray();
    }

    @AfterEach
    void restore() {
        PkiPassphrases.environment = System::getenv;
        PkiPassphrases.prompt = question -> {
            java.io.Console console = System.console();
            return console == null ? null : console.readPassword("%s", question);
        };
    }

    private CommandRun pki(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "pki";
        System.arraycopy(args, 0, full, 1, args.length);
        return CommandRun.of(full);
    }

    private Path makeCa(String... extra) {
        environment.put("ANALYZER_CA_PASSPHRASE", "secret_password");
        List<String> args = new java.util.ArrayList<>(List.of("ca", "--out", dir.resolve("ca").toString()));
        args.addAll(List.of(extra));
        CommandRun run = pki(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        return dir.resolve("ca");
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void caWritesAnEncryptedKeyAndACaCertificateAndSaysWhatNext() throws Exception {
        environment.put("ANALYZER_CA_PASSPHRASE", "secret_password");
        Path out = dir.resolve("new").resolve("ca");
        CommandRun run = pki("ca", "--out", out.toString(), "--key-type", "ec", "--days", "7");
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        Path key = out.resolve("ca-private-key.pem");
        Path cert = out.resolve("ca-public-key.pem");
        assertTrue(run.out().contains("wrote  " + key), run.out());
        assertTrue(run.out().contains("wrote  " + cert), run.out());
        assertTrue(run.out().contains("analyzer server --tls --cert server-public-key.pem --key server-private-key.pem"));
        assertTrue(run.out().contains("analyzer client --cacert " + cert + " https://localhost:5683/"));
        assertTrue(run.out().contains("curl --cacert " + cert + " https://localhost:5683/"));
        assertTrue(run.out().contains("analyzer pki server-cert --ca-dir " + out));

        assertEquals("rw-------", mode(key));
        assertTrue(Pem.isEncryptedPrivateKey(key));
        CertificateAuthority ca = CertificateAuthority.load(cert, key, "secret_password".toCharArray());
        CertificateSummary summary = CertificateSummary.describe(ca.certificate());
        assertEquals("CN=Secret Squirrels CA, O=Secret Squirrels, L=Baltimore, ST=Maryland, C=US", summary.subject());
        assertEquals("EC P-256", summary.publicKey());
        assertTrue(summary.certificateAuthority() && summary.selfSigned());
        long days = Duration.between(Instant.now(), summary.notAfter()).toHours();
        assertTrue(days > 7 * 24 - 2 && days <= 7 * 24, String.valueOf(days));
        assertTrue(run.out().startsWith("CA CN=Secret Squirrels CA (EC P-256), valid until "), run.out());
    }

    @Test
    void subjectOptionsShapeTheName() throws Exception {
        Path ca = makeCa("--cn", "Acorn Authority", "--org", "Nut Club", "--country", "de", "--state", "",
                "--locality", "Berlin");
        X509Certificate cert = Pem.readCertificates(ca.resolve("ca-public-key.pem")).get(0);
        assertEquals("CN=Acorn Authority, O=Nut Club, L=Berlin, C=DE", CertificateSummary.describe(cert).subject());
        assertEquals("RSA 2048", CertificateSummary.describe(cert).publicKey());
    }

    @Test
    void withoutAnyPassphraseSourceTheErrorNamesAllThreeWays() {
        CommandRun run = pki("ca", "--out", dir.toString());
        assertEquals(2, run.code());
        assertEquals("analyzer: no passphrase for " + dir.resolve("ca-private-key.pem")
                + " and no terminal to ask for one\n"
                + "  Give one with --passphrase-file FILE or the environment variable ANALYZER_CA_PASSPHRASE, or run in"
                + " a terminal; --no-passphrase writes the key unencrypted.\n", run.err());
        assertFalse(Files.exists(dir.resolve("ca-private-key.pem")));
        assertFalse(Files.exists(dir.resolve("ca-public-key.pem")));
    }

    @Test
    void passphraseFromAFileItsFirstLineOnly() throws Exception {
        Path passphrase = dir.resolve("pass.txt");
        Files.writeString(passphrase, "acorns and walnuts\r\nnot this\n");
        environment.put("ANALYZER_CA_PASSPHRASE", "the file wins");
        CommandRun run = pki("ca", "--out", dir.toString(), "--passphrase-file", passphrase.toString());
        assertEquals(0, run.code(), run.err());
        Path key = dir.resolve("ca-private-key.pem");
        assertTrue(Pem.readPrivateKey(key, "acorns and walnuts".toCharArray()) != null);
        assertThrows(PkiException.class, () -> Pem.readPrivateKey(key, "the file wins".toCharArray()));

        Files.writeString(passphrase, "\nsecond line\n");
        CommandRun empty = pki("ca", "--out", dir.resolve("x").toString(), "--passphrase-file", passphrase.toString());
        assertEquals(2, empty.code());
        assertEquals("analyzer: passphrase file " + passphrase + " is empty (the passphrase is its first line)\n",
                empty.err());
        CommandRun missing = pki("ca", "--out", dir.resolve("x").toString(), "--passphrase-file", "no-such-file");
        assertEquals("analyzer: passphrase file no-such-file does not exist\n", missing.err());
    }

    @Test
    void passphraseTypedTwiceAtTheTerminal() throws Exception {
        typed.addAll(List.of("squirrel", "squirrel"));
        CommandRun run = pki("ca", "--out", dir.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(Pem.readPrivateKey(dir.resolve("ca-private-key.pem"), "squirrel".toCharArray()) != null);

        typed.addAll(List.of("squirrel", "squirel"));
        CommandRun mismatch = pki("ca", "--out", dir.resolve("other").toString());
        assertEquals(2, mismatch.code());
        assertEquals("analyzer: the two passphrases differ; nothing was written\n", mismatch.err());
        assertFalse(Files.exists(dir.resolve("other")));
    }

    @Test
    void noPassphraseWritesAClearKeyWithAWarning() throws Exception {
        CommandRun run = pki("ca", "--out", dir.toString(), "--no-passphrase");
        assertEquals(0, run.code(), run.err());
        Path key = dir.resolve("ca-private-key.pem");
        assertEquals("analyzer: warning: " + key + " is written unencrypted; anyone who can read it can sign"
                + " certificates your clients will trust\n", run.err());
        assertFalse(Pem.isEncryptedPrivateKey(key));
        assertEquals("rw-------", mode(key));
        assertTrue(run.out().contains("private key, UNENCRYPTED, mode 0600"), run.out());

        CommandRun both = pki("ca", "--out", dir.resolve("b").toString(), "--no-passphrase", "--passphrase-file", "f");
        assertEquals(2, both.code());
        assertEquals("analyzer: --no-passphrase and --passphrase-file contradict each other; give one\n", both.err());
    }

    @Test
    void existingFilesAreNotOverwrittenWithoutForce() throws Exception {
        Path ca = makeCa();
        byte[] key = Files.readAllBytes(ca.resolve("ca-private-key.pem"));
        byte[] cert = Files.readAllBytes(ca.resolve("ca-public-key.pem"));
        CommandRun again = pki("ca", "--out", ca.toString());
        assertEquals(2, again.code());
        assertEquals("analyzer: " + ca.resolve("ca-private-key.pem") + " exists; use --force to overwrite\n", again.err());
        assertArrayEquals(key, Files.readAllBytes(ca.resolve("ca-private-key.pem")));
        assertArrayEquals(cert, Files.readAllBytes(ca.resolve("ca-public-key.pem")));

        CommandRun forced = pki("ca", "--out", ca.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertFalse(java.util.Arrays.equals(cert, Files.readAllBytes(ca.resolve("ca-public-key.pem"))));
        assertEquals("rw-------", mode(ca.resolve("ca-private-key.pem")));

        pki("server-cert", "--ca-dir", ca.toString(), "--out", dir.toString(), "--no-passphrase");
        CommandRun serverAgain = pki("server-cert", "--ca-dir", ca.toString(), "--out", dir.toString(), "--no-passphrase");
        assertEquals(2, serverAgain.code());
        assertTrue(serverAgain.err().endsWith("exists; use --force to overwrite\n"), serverAgain.err());
    }

    @Test
    void csrThenSignGivesACertificateOpensslVerifies() throws Exception {
        Path ca = makeCa();
        environment.put("ANALYZER_KEY_PASSPHRASE", "serverpassword");
        Path key = dir.resolve("server-private-key.pem");
        Path csr = dir.resolve("server-csr.pem");
        Path cert = dir.resolve("server-public-key.pem");
        CommandRun made = pki("csr", "--key-out", key.toString(), "--csr-out", csr.toString(), "--cn", "localhost",
                "--san", "DNS:localhost,IP:127.0.0.1", "--key-type", "ec");
        assertEquals(0, made.code(), made.err());
        assertTrue(made.out().contains("wrote  " + key) && made.out().contains("wrote  " + csr), made.out());
        assertTrue(made.out().contains("names DNS:localhost, IP:127.0.0.1"), made.out());
        assertEquals("rw-------", mode(key));
        PKCS10CertificationRequest request = Pem.readCsr(csr);
        assertEquals(List.of("DNS:localhost", "IP:127.0.0.1"), SubjectAltNames.of(request.getRequestedExtensions()));

        CommandRun signed = pki("sign", "--csr", csr.toString(), "--ca-cert", ca.resolve("ca-public-key.pem").toString(),
                "--ca-key", ca.resolve("ca-private-key.pem").toString(), "--out", cert.toString(), "--days", "5");
        assertEquals(0, signed.code(), signed.err());
        assertTrue(signed.out().startsWith("Certificate for CN=localhost (DNS:localhost, IP:127.0.0.1), valid until "),
                signed.out());
        assertTrue(signed.out().contains("wrote  " + cert), signed.out());
        X509Certificate issued = Pem.readCertificates(cert).get(0);
        JcaX509CertificateHolder holder = new JcaX509CertificateHolder(issued);
        assertEquals(List.of("DNS:localhost", "IP:127.0.0.1"), SubjectAltNames.of(issued));
        assertEquals(new KeyUsage(KeyUsage.digitalSignature),
                KeyUsage.getInstance(holder.getExtension(Extension.keyUsage).getParsedValue()));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), issued.getExtendedKeyUsage());
        assertEquals(Pem.readCertificates(ca.resolve("ca-public-key.pem")).get(0).getSubjectX500Principal(),
                issued.getIssuerX500Principal());
        long hours = Duration.between(Instant.now(), issued.getNotAfter().toInstant()).toHours();
        assertTrue(hours > 5 * 24 - 2 && hours <= 5 * 24, String.valueOf(hours));

        OpenSsl.require();
        OpenSsl.Result verify = OpenSsl.run("verify", "-CAfile", ca.resolve("ca-public-key.pem").toString(), cert.toString());
        assertEquals(cert + ": OK", verify.output().strip());
        OpenSsl.Result pkey = OpenSsl.run("pkey", "-passin", "pass:serverpassword", "-in", key.toString(), "-noout");
        assertEquals(0, pkey.code(), pkey.output());
        assertTrue(OpenSsl.run("pkey", "-passin", "pass:nope", "-in", key.toString(), "-noout").code() != 0);
        OpenSsl.Result text = OpenSsl.run("x509", "-in", cert.toString(), "-noout", "-text");
        assertTrue(text.output().contains("DNS:localhost, IP Address:127.0.0.1"), text.output());
    }

    @Test
    void aTamperedCsrIsRefused() throws Exception {
        Path ca = makeCa();
        Path csr = dir.resolve("server-csr.pem");
        assertEquals(0, pki("csr", "--key-out", dir.resolve("k.pem").toString(), "--csr-out", csr.toString(),
                "--cn", "localhost", "--no-passphrase").code());
        byte[] der = Pem.readCsr(csr).getEncoded();
        String latin = new String(der, StandardCharsets.ISO_8859_1);
        int at = latin.indexOf("localhost");
        der[at] = 'L';
        Path tampered = dir.resolve("tampered-csr.pem");
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(tampered))) {
            writer.writeObject(new PKCS10CertificationRequest(der));
        }
        Path out = dir.resolve("evil.pem");
        CommandRun run = pki("sign", "--csr", tampered.toString(), "--ca-cert", ca.resolve("ca-public-key.pem").toString(),
                "--ca-key", ca.resolve("ca-private-key.pem").toString(), "--out", out.toString());
        assertEquals(2, run.code());
        assertEquals("analyzer: the certificate signing request's signature does not verify (it was altered or"
                + " damaged); refusing to sign it\n", run.err());
        assertFalse(Files.exists(out));

        CommandRun shown = pki("show", tampered.toString());
        assertEquals(0, shown.code());
        assertTrue(shown.out().contains("DOES NOT VERIFY"), shown.out());
    }

    @Test
    void signExplainsAWrongOrMissingCaPassphrase() throws Exception {
        Path ca = makeCa();
        assertEquals(0, pki("csr", "--key-out", dir.resolve("k.pem").toString(), "--csr-out",
                dir.resolve("c.pem").toString(), "--no-passphrase").code());
        String[] sign = {"sign", "--csr", dir.resolve("c.pem").toString(), "--ca-cert",
            ca.resolve("ca-public-key.pem").toString(), "--ca-key", ca.resolve("ca-private-key.pem").toString(),
            "--out", dir.resolve("s.pem").toString()};
        environment.put("ANALYZER_CA_PASSPHRASE", "not it");
        CommandRun wrong = pki(sign);
        assertEquals(2, wrong.code());
        assertEquals("analyzer: wrong passphrase for " + ca.resolve("ca-private-key.pem") + "\n", wrong.err());

        environment.clear();
        CommandRun missing = pki(sign);
        assertEquals(2, missing.code());
        assertEquals("analyzer: " + ca.resolve("ca-private-key.pem") + " is encrypted and no passphrase was given\n"
                + "  Give it with --ca-passphrase-file FILE or the environment variable ANALYZER_CA_PASSPHRASE, or run"
                + " in a terminal to be asked.\n", missing.err());

        typed.add("secret_password");
        assertEquals(0, pki(sign).code(), "the passphrase typed at the terminal");

        Path file = dir.resolve("ca-pass");
        Files.writeString(file, "secret_password\n");
        String[] withFile = java.util.Arrays.copyOf(sign, sign.length + 3);
        withFile[sign.length] = "--ca-passphrase-file";
        withFile[sign.length + 1] = file.toString();
        withFile[sign.length + 2] = "--force";
        assertEquals(0, pki(withFile).code());
    }

    @Test
    void serverCertDoesCsrAndSigningInOneStep() throws Exception {
        Path ca = makeCa();
        Path out = dir.resolve("server");
        CommandRun run = pki("server-cert", "--ca-dir", ca.toString(), "--out", out.toString(), "--no-passphrase");
        assertEquals(0, run.code(), run.err());
        Path key = out.resolve("server-private-key.pem");
        Path csr = out.resolve("server-csr.pem");
        Path cert = out.resolve("server-public-key.pem");
        for (Path file : List.of(key, csr, cert)) {
            assertTrue(run.out().contains("wrote  " + file), run.out());
        }
        assertEquals("rw-------", mode(key));
        X509Certificate issued = Pem.readCertificates(cert).get(0);
        assertEquals(List.of("DNS:localhost", "IP:127.0.0.1", "IP:::1"), SubjectAltNames.of(issued));
        assertEquals("RSA 2048", CertificateSummary.describe(issued).publicKey());
        assertArrayEquals(issued.getPublicKey().getEncoded(), Pem.readCsr(csr).getSubjectPublicKeyInfo().getEncoded());
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withRSA");
        signer.initSign(Pem.readPrivateKey(key, null));
        signer.update(new byte[] {1, 2, 3});
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withRSA");
        verifier.initVerify(issued.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signer.sign()), "the key written is the certificate's");
        assertTrue(run.out().contains("analyzer server --tls --cert " + cert + " --key " + key), run.out());

        OpenSsl.require();
        OpenSsl.Result verify = OpenSsl.run("verify", "-CAfile", ca.resolve("ca-public-key.pem").toString(),
                "-verify_hostname", "localhost", cert.toString());
        assertEquals(cert + ": OK", verify.output().strip());
        OpenSsl.Result text = OpenSsl.run("x509", "-in", cert.toString(), "-noout", "-text");
        assertTrue(text.output().contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"),
                text.output());
    }

    @Test
    void serverCertTakesExplicitCaFilesAndAKeyPassphrase() throws Exception {
        Path ca = makeCa();
        environment.put("ANALYZER_KEY_PASSPHRASE", "serverpassword");
        CommandRun run = pki("server-cert", "--ca-cert", ca.resolve("ca-public-key.pem").toString(), "--ca-key",
                ca.resolve("ca-private-key.pem").toString(), "--out", dir.toString(), "--cn", "squirrels.local",
                "--san", "DNS:squirrels.local", "--key-type", "ec", "--days", "3");
        assertEquals(0, run.code(), run.err());
        Path key = dir.resolve("server-private-key.pem");
        assertTrue(Pem.isEncryptedPrivateKey(key));
        Pem.readPrivateKey(key, "serverpassword".toCharArray());
        CertificateSummary summary = CertificateSummary.describe(
                Pem.readCertificates(dir.resolve("server-public-key.pem")).get(0));
        assertEquals(List.of("DNS:squirrels.local"), summary.subjectAltNames());
        assertTrue(summary.subject().startsWith("CN=squirrels.local, "), summary.subject());
    }

    @Test
    void curlPinningOurCaAcceptsOpensslServingOurCertificateAndRejectsItWithoutThePin() throws Exception {
        OpenSsl.require();
        if (!commandWorks("curl", "--version")) {
            if ("true".equals(System.getenv("CI"))) {
                org.junit.jupiter.api.Assertions.fail("curl is required in CI (.ci/run installs it)");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "curl is not installed");
        }
        Path ca = makeCa();
        environment.put("ANALYZER_KEY_PASSPHRASE", "serverpassword");
        assertEquals(0, pki("server-cert", "--ca-dir", ca.toString(), "--out", dir.toString()).code());
        Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:0", "-www",
                "-cert", dir.resolve("server-public-key.pem").toString(),
                "-key", dir.resolve("server-private-key.pem").toString(), "-pass", "pass:serverpassword")
                .redirectErrorStream(true).start();
        // Bounds the whole exchange: a server that never reports its port is killed, which ends the read below.
        java.util.concurrent.CompletableFuture.runAsync(server::destroyForcibly,
                java.util.concurrent.CompletableFuture.delayedExecutor(60, java.util.concurrent.TimeUnit.SECONDS));
        try {
            java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^ACCEPT 127\\.0\\.0\\.1:(\\d+)").matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    break;
                }
            }
            assertTrue(port > 0, "openssl s_server did not report its port");
            String caFile = ca.resolve("ca-public-key.pem").toString();
            for (String url : List.of("https://localhost:" + port + "/", "https://127.0.0.1:" + port + "/")) {
                Result pinned = command("curl", "-sS", "--max-time", "10", "--cacert", caFile, "-o", "/dev/null",
                        "-w", "%{http_code}", url);
                assertEquals(new Result(0, "200"), pinned, url);
            }
            Result unpinned = command("curl", "-sS", "--max-time", "10", "-o", "/dev/null", "https://localhost:" + port + "/");
            assertEquals(60, unpinned.code(), unpinned.output());
            assertTrue(unpinned.output().contains("unable to get local issuer certificate"), unpinned.output());
        } finally {
            server.destroy();
            if (!server.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    record Result(int code, String output) {
    }

    private static boolean commandWorks(String... command) {
        try {
            return command(command).code() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Result command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 20 s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void showPrintsWhatACertificateSays() throws Exception {
        Path ca = makeCa();
        assertEquals(0, pki("server-cert", "--ca-dir", ca.toString(), "--out", dir.toString(), "--no-passphrase").code());
        Path cert = dir.resolve("server-public-key.pem");
        X509Certificate issued = Pem.readCertificates(cert).get(0);
        CertificateSummary expected = CertificateSummary.describe(issued);

        CommandRun run = pki("show", cert.toString());
        assertEquals(0, run.code(), run.err());
        Map<String, String> rows = rows(run.out());
        assertEquals(cert + " — certificate", run.out().lines().findFirst().orElseThrow());
        assertTrue(run.out().lines().skip(1).findFirst().orElseThrow().matches(
                "  From \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC to \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC,"
                        + " this is CN=localhost, on the word of CN=Secret Squirrels CA\\."), run.out());
        assertEquals(expected.subject(), rows.get("subject"));
        assertEquals(expected.issuer(), rows.get("issuer"));
        assertEquals("DNS:localhost, IP:127.0.0.1, IP:::1", rows.get("names"));
        assertEquals("RSA 2048", rows.get("public key"));
        assertEquals("no", rows.get("CA"));
        assertEquals("digitalSignature, keyEncipherment", rows.get("key usage"));
        assertEquals("serverAuth", rows.get("extended"));
        assertEquals(expected.sha256Fingerprint(), rows.get("SHA-256"));
        assertTrue(rows.get("valid").endsWith("(valid now, 29 days left)"), rows.get("valid"));

        CommandRun caShown = pki("show", ca.resolve("ca-public-key.pem").toString());
        Map<String, String> caRows = rows(caShown.out());
        assertEquals("yes, may sign certificates", caRows.get("CA"));
        assertEquals("keyCertSign, cRLSign", caRows.get("key usage"));
        assertTrue(caShown.out().contains("on its own word (self-signed)."), caShown.out());
    }

    @Test
    void showReadsChainsCsrsAndWritesJson() throws Exception {
        Path ca = makeCa();
        assertEquals(0, pki("server-cert", "--ca-dir", ca.toString(), "--out", dir.toString(), "--no-passphrase").code());
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, Files.readString(dir.resolve("server-public-key.pem"))
                + Files.readString(ca.resolve("ca-public-key.pem")));
        CommandRun text = pki("show", chain.toString());
        assertTrue(text.out().contains(chain + " — certificate 1 of 2"), text.out());
        assertTrue(text.out().contains(chain + " — CA certificate 2 of 2"), text.out());

        CommandRun json = pki("show", chain.toString(), "--format", "json");
        assertEquals(0, json.code(), json.err());
        List<String> lines = json.out().lines().toList();
        assertEquals(2, lines.size());
        JsonObject leaf = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals("certificate", leaf.get("kind").getAsString());
        assertEquals(1, leaf.get("index").getAsInt());
        assertEquals("IP:::1", leaf.getAsJsonArray("san").get(2).getAsString());
        assertFalse(leaf.get("ca").getAsBoolean());
        assertTrue(leaf.get("valid_now").getAsBoolean());
        assertEquals(CertificateSummary.describe(Pem.readCertificates(chain).get(0)).sha256Fingerprint(),
                leaf.get("sha256").getAsString());
        assertEquals(Pem.readCertificates(chain).get(0).getNotAfter().toInstant(),
                Instant.parse(leaf.get("not_after").getAsString()));
        JsonObject root = JsonParser.parseString(lines.get(1)).getAsJsonObject();
        assertTrue(root.get("ca").getAsBoolean() && root.get("self_signed").getAsBoolean());

        Path csr = dir.resolve("server-csr.pem");
        CommandRun csrText = pki("show", csr.toString());
        Map<String, String> rows = rows(csrText.out());
        assertEquals("DNS:localhost, IP:127.0.0.1, IP:::1", rows.get("names"));
        assertEquals("SHA256withRSA, verifies (unaltered since it was made)", rows.get("signature"));
        JsonObject csrJson = JsonParser.parseString(pki("show", csr.toString(), "--format", "json").out()).getAsJsonObject();
        assertEquals("csr", csrJson.get("kind").getAsString());
        assertTrue(csrJson.get("signature_valid").getAsBoolean());
    }

    @Test
    void badInputIsOneLineAndExit2() throws Exception {
        Path ca = makeCa();
        assertEquals("analyzer: subject alternative name 'localhost' must start with DNS: or IP:, e.g."
                + " DNS:localhost,IP:127.0.0.1\n",
                pki("csr", "--san", "localhost", "--no-passphrase", "--key-out", dir.resolve("a").toString()).err());
        assertEquals("analyzer: country must be a two-letter code such as US or DE, not 'USA'\n",
                pki("ca", "--out", dir.toString(), "--country", "USA").err());
        assertEquals("analyzer: --days must be 1 or more, not 0\n", pki("ca", "--out", dir.toString(), "--days", "0").err());
        CommandRun noCa = pki("server-cert", "--ca-dir", dir.resolve("nowhere").toString(), "--no-passphrase");
        assertEquals("analyzer: " + dir.resolve("nowhere").resolve("ca-private-key.pem") + " does not exist\n", noCa.err());
        assertEquals(2, noCa.code());
        CommandRun key = pki("show", ca.resolve("ca-private-key.pem").toString());
        assertEquals(2, key.code());
        assertTrue(key.err().startsWith("analyzer: " + ca.resolve("ca-private-key.pem") + " holds a private key;"));
        CommandRun missing = pki("show", dir.resolve("nope.pem").toString());
        assertEquals("analyzer: " + dir.resolve("nope.pem") + " does not exist\n", missing.err());
        Path aFile = dir.resolve("a-file");
        Files.writeString(aFile, "x");
        assertEquals("analyzer: " + aFile + " is a file, not a directory\n",
                pki("ca", "--out", aFile.toString(), "--no-passphrase").err());
        CommandRun badType = pki("ca", "--key-type", "dsa");
        assertEquals(2, badType.code());
        assertTrue(badType.err().startsWith("analyzer: Invalid value for option '--key-type'"), badType.err());
        CommandRun bare = pki();
        assertEquals(2, bare.code());
        assertTrue(bare.err().startsWith("analyzer: Missing subcommand"), bare.err());
        for (CommandRun run : List.of(noCa, key, missing, badType, bare)) {
            assertFalse(run.err().contains("Exception"), run.err());
        }
    }

    /** "  label       value" rows of the show output, by label. */
    private static Map<String, String> rows(String out) {
        Map<String, String> rows = new HashMap<>();
        out.lines().filter(l -> l.startsWith("  ") && !l.startsWith("  From") && l.length() > 14)
                .forEach(l -> rows.putIfAbsent(l.substring(2, 13).strip(), l.substring(14)));
        return rows;
    }
}
