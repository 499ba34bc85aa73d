package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.IssuedCertificate;
import analyzer.pki.KeyType;
import analyzer.pki.Pem;
import analyzer.pki.SubjectName;
import analyzer.workshop.SecretServer;
import analyzer.workshop.SecretServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --keylog and SSLKEYLOGFILE on our TLS endpoints' commands: what they write, say, and refuse. */
@Timeout(60)
class KeyLogOptionsTest {

    @TempDir
    Path dir;

    @AfterEach
    void restoreEnvironment() {
        WorkshopEnvironment.lookup = System::getenv;
    }

    @Test
    void theClientHonoursSslKeyLogFileWithAWarningAndWritesTheKeysOwnerOnly() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SubjectName.of("Secret Squirrels CA"), KeyType.EC,
                Duration.ofDays(1));
        IssuedCertificate leaf = ca.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost"),
                KeyType.EC, Duration.ofDays(1));
        Path caFile = dir.resolve("ca.pem");
        Pem.writeCertificates(caFile, ca.certificate());
        Path keys = dir.resolve("keys.log");
        WorkshopEnvironment.lookup = name -> name.equals("SSLKEYLOGFILE") ? keys.toString() : null;
        try (SecretServer server = SecretServer.start(SecretServerConfig.defaults().withPort(0).withTls(
                new SecretServerConfig.TlsIdentity(leaf.privateKey(), List.of(leaf.certificate()))),
                SecretServer.Listener.NONE)) {
            CommandRun r = CommandRun.of("client", "--cacert", caFile.toString(),
                    "https://localhost:" + server.address().getPort() + "/");
            assertEquals(0, r.code(), r.err());
            assertEquals("The secret message is: fluffy tail\n", r.out());
            assertTrue(r.err().startsWith("analyzer: warning: writing TLS session keys to " + keys
                    + " (SSLKEYLOGFILE): whoever reads it can decrypt these connections"), r.err());
        }
        List<String> lines = Files.readAllLines(keys);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("CLIENT_TRAFFIC_SECRET_0 ")), lines.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
    }

    @Test
    void aPlainHttpFetchWritesNoKeysAndSaysWhy() {
        CommandRun r = CommandRun.of("client", "--keylog", dir.resolve("k.log").toString(), "--timeout", "1s",
                "http://127.0.0.1:9/");
        assertTrue(r.err().startsWith("analyzer: warning: --keylog does nothing for a plain http:// URL"), r.err());
        assertFalse(Files.exists(dir.resolve("k.log")));
    }

    @Test
    void keyLogsWhereNoKeysExistAreOneLineErrors() {
        CommandRun server = CommandRun.of("server", "--port", "0", "--keylog", dir.resolve("k.log").toString());
        assertEquals(2, server.code());
        assertEquals("analyzer: --keylog is for HTTPS: add --tls --cert FILE --key FILE\n", server.err());
        CommandRun rsa = CommandRun.of("server", "--port", "0", "--rsa-key-exchange");
        assertEquals(2, rsa.code());
        assertTrue(rsa.err().startsWith("analyzer: --rsa-key-exchange is for HTTPS"), rsa.err());
        CommandRun proxy = CommandRun.of("proxy", "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9",
                "--keylog", dir.resolve("k.log").toString());
        assertEquals(2, proxy.code());
        assertTrue(proxy.err().startsWith("analyzer: --keylog is for --tls intercept: in passthrough the proxy holds"
                + " no TLS keys\n"), proxy.err());
        CommandRun directory = CommandRun.of("client", "--keylog", dir.toString(), "https://localhost:9/");
        assertEquals(2, directory.code());
        assertEquals("analyzer: cannot write the key log " + dir + ": it is a directory\n", directory.err());
    }
}
