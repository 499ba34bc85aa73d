package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.workshop.ExternalCommand;
import analyzer.workshop.Fernet;
import analyzer.workshop.SecretServer;
import analyzer.workshop.SecretServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `analyzer server` as a workshop runs it: its own process (banner on stdout, a log line per request on stderr,
 * SIGTERM stops it cleanly), with certificates made by `analyzer pki`; and its one-line errors.
 */
@Timeout(180)
class ServerCommandTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern URL = Pattern.compile("listening on (https?://[^ ]+/)");

    @TempDir
    static Path dir;

    private static Path ca;
    private static Path cert;
    private static Path key;
    private static Path passphrase;

    @BeforeAll
    static void pki() throws Exception {
        passphrase = dir.resolve("passphrase.txt");
        Files.writeString(passphrase, "acorns and hazelnuts\n");
        CommandRun madeCa = CommandRun.of("pki", "ca", "--out", dir.resolve("ca").toString(), "--no-passphrase",
                "--key-type", "ec");
        assertEquals(0, madeCa.code(), madeCa.err());
        CommandRun madeCert = CommandRun.of("pki", "server-cert", "--ca-dir", dir.resolve("ca").toString(), "--out",
                dir.resolve("server").toString(), "--passphrase-file", passphrase.toString(), "--key-type", "ec");
        assertEquals(0, madeCert.code(), madeCert.err());
        ca = dir.resolve("ca/ca-public-key.pem");
        cert = dir.resolve("server/server-public-key.pem");
        key = dir.resolve("server/server-private-key.pem");
    }

    @AfterEach
    void restoreEnvironment() {
        WorkshopEnvironment.lookup = System::getenv;
    }

    private static String url(ExternalCommand.Running server) throws InterruptedException {
        Matcher m = URL.matcher(server.awaitLine("Secret server listening on ", START));
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void theTutorialsHttpsStageFromTheCommandLine() throws Exception {
        try (ExternalCommand.Running server = ExternalCommand.start(null, Map.of(), ExternalCommand.analyzer(
                "server", "--port", "0", "--tls", "--cert", cert.toString(), "--key", key.toString(),
                "--key-passphrase-file", passphrase.toString()))) {
            String url = url(server);
            assertTrue(url.matches("https://localhost:\\d+/"), url);

            CommandRun pinned = CommandRun.of("client", "--cacert", ca.toString(), url);
            assertEquals(0, pinned.code(), pinned.err());
            assertEquals("The secret message is: fluffy tail\n", pinned.out());

            CommandRun jdkStore = CommandRun.of("client", url);
            assertEquals(1, jdkStore.code());
            assertTrue(jdkStore.err().startsWith(
                    "analyzer: certificate verify failed: unable to get local issuer certificate\n"), jdkStore.err());

            CommandRun secure = CommandRun.of("client", "--raw", "--cacert", ca.toString(), url + "secure");
            assertEquals("SUCCESS: This request is using HTTPS.\n", secure.out());

            ExternalCommand.require("curl");
            ExternalCommand.Result curl = ExternalCommand.run(Duration.ofSeconds(30), List.of("curl", "--silent",
                    "--show-error", "--max-time", "10", "--cacert", ca.toString(), url));
            assertEquals("fluffy tail", curl.output());

            assertEquals(0, server.stop(Duration.ofSeconds(20)), server.stderr());
            String log = server.stderr();
            assertTrue(log.matches("(?s).*\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  127\\.0\\.0\\.1:\\d+ +https  GET    /"
                    + " +200\n.*"), log);
            assertTrue(log.contains("https  GET    /secure    200\n"), log);
            assertTrue(log.contains("https  TLS handshake failed: the client rejected the certificate"), log);
            assertTrue(log.endsWith("Secret server stopped after 3 requests.\n"), log);
        }
    }

    @Test
    void plainAndFernetStagesFromTheCommandLine() throws Exception {
        String fernetKey = Fernet.generateKey();
        try (ExternalCommand.Running plain = ExternalCommand.start(null, Map.of(), ExternalCommand.analyzer(
                "server", "--listen", "127.0.0.1:0", "--message", "acorns at dawn"));
             ExternalCommand.Running fernet = ExternalCommand.start(null, Map.of("SECRET_KEY", fernetKey),
                     ExternalCommand.analyzer("server", "--port", "0", "--quiet"))) {
            String plainUrl = url(plain);
            assertTrue(plainUrl.matches("http://127\\.0\\.0\\.1:\\d+/"), plainUrl);
            assertEquals("The secret message is: acorns at dawn\n", CommandRun.of("client", plainUrl).out());
            CommandRun login = CommandRun.of("client", "-d", "username=bob&password=hazelnuts", plainUrl + "login");
            assertEquals(0, login.code(), login.err());

            String fernetUrl = url(fernet);
            CommandRun token = CommandRun.of("client", "--raw", fernetUrl);
            assertTrue(token.out().startsWith("gAAAAA"), token.out());
            WorkshopEnvironment.lookup = Map.of("SECRET_KEY", fernetKey)::get;
            assertEquals("The secret message is: fluffy tail\n", CommandRun.of("client", fernetUrl).out());

            assertEquals(0, plain.stop(Duration.ofSeconds(20)));
            assertTrue(plain.stderr().contains("http   POST   /login     200  bob\n"), plain.stderr());
            assertEquals(0, fernet.stop(Duration.ofSeconds(20)));
            assertEquals("Secret server stopped after 2 requests.\n", fernet.stderr());
        }
    }

    @Test
    void httpsNeedsACertificateAndAKeyThatBelongTogether() throws Exception {
        CommandRun none = CommandRun.of("server", "--tls", "--port", "0");
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("analyzer: HTTPS needs both --cert FILE and --key FILE\n"), none.err());

        CommandRun missing = CommandRun.of("server", "--port", "0", "--cert", dir.resolve("nope.pem").toString(),
                "--key", key.toString(), "--key-passphrase-file", passphrase.toString());
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());

        Path otherKey = dir.resolve("other/server-private-key.pem");
        CommandRun other = CommandRun.of("pki", "server-cert", "--ca-dir", dir.resolve("ca").toString(), "--out",
                dir.resolve("other").toString(), "--no-passphrase", "--key-type", "ec");
        assertEquals(0, other.code(), other.err());
        CommandRun mismatch = CommandRun.of("server", "--port", "0", "--cert", cert.toString(), "--key",
                otherKey.toString());
        assertEquals(2, mismatch.code());
        assertEquals("analyzer: the private key does not belong to the certificate CN=localhost\n", mismatch.err());

        Path wrong = dir.resolve("wrong.txt");
        Files.writeString(wrong, "not it\n");
        CommandRun badPassphrase = CommandRun.of("server", "--port", "0", "--cert", cert.toString(), "--key",
                key.toString(), "--key-passphrase-file", wrong.toString());
        assertEquals(2, badPassphrase.code());
        assertEquals("analyzer: wrong passphrase for " + key + "\n", badPassphrase.err());
    }

    @Test
    void aTakenPortAndBadOptionsAreOneLineErrors() throws Exception {
        try (SecretServer taken = SecretServer.start(SecretServerConfig.defaults().withPort(0),
                SecretServer.Listener.NONE)) {
            int port = taken.address().getPort();
            CommandRun busy = CommandRun.of("server", "--port", String.valueOf(port));
            assertEquals(2, busy.code());
            assertTrue(busy.err().startsWith("analyzer: cannot listen on 127.0.0.1:" + port + ": "), busy.err());
            assertTrue(busy.err().contains("\n  Something already listens there"), busy.err());
        }
        CommandRun both = CommandRun.of("server", "--listen", "127.0.0.1:0", "--port", "1");
        assertEquals(2, both.code());
        assertEquals("analyzer: give --listen HOST:PORT or --host/--port, not both\n", both.err());
        assertEquals(2, CommandRun.of("server", "--listen", "nowhere").code());
        assertEquals(2, CommandRun.of("server", "--port", "70000").code());
        CommandRun fernet = CommandRun.of("server", "--port", "0", "--fernet-key", "short");
        assertEquals(2, fernet.code());
        assertTrue(fernet.err().startsWith("analyzer: --fernet-key: a Fernet key is 32 bytes"), fernet.err());
    }
}
