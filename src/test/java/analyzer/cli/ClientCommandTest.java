package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.TestServers;
import analyzer.pki.CertificateAuthority;
import analyzer.pki.IssuedCertificate;
import analyzer.pki.KeyType;
import analyzer.pki.Pem;
import analyzer.pki.SubjectName;
import analyzer.workshop.Fernet;
import analyzer.workshop.SecretServer;
import analyzer.workshop.SecretServerConfig;
import com.sun.net.httpserver.HttpServer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `analyzer client` against the secret server on loopback: what a workshop sees, message by message. */
@Timeout(60)
class ClientCommandTest {

    @TempDir
    static Path dir;

    private static CertificateAuthority club;
    private static CertificateAuthority mitm;
    private static Path clubCa;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        club = CertificateAuthority.create(SubjectName.of("Secret Squirrels CA"), KeyType.EC, Duration.ofDays(30));
        mitm = CertificateAuthority.create(SubjectName.of("analyzer MITM CA"), KeyType.EC, Duration.ofDays(30));
        clubCa = dir.resolve("ca-public-key.pem");
        Pem.writeCertificates(clubCa, club.certificate());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        WorkshopEnvironment.lookup = System::getenv;
    }

    private SecretServer server(SecretServerConfig config) throws Exception {
        SecretServer server = SecretServer.start(config.withPort(0), SecretServer.Listener.NONE);
        open.add(server);
        return server;
    }

    private SecretServer tlsServer(CertificateAuthority ca, List<String> sans) throws Exception {
        IssuedCertificate leaf = ca.issueServerCertificate(SubjectName.of("localhost"), sans, KeyType.EC,
                Duration.ofDays(1));
        return server(SecretServerConfig.defaults().withTls(new SecretServerConfig.TlsIdentity(leaf.privateKey(),
                List.of(leaf.certificate()))));
    }

    private static String https(SecretServer server, String path) {
        return "https://localhost:" + server.address().getPort() + path;
    }

    private static String http(SecretServer server, String path) {
        return "http://127.0.0.1:" + server.address().getPort() + path;
    }

    @Test
    void printsTheSecretOverPlainHttp() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        CommandRun r = CommandRun.of("client", http(server, "/"));
        assertEquals(0, r.code(), r.err());
        assertEquals("The secret message is: fluffy tail\n", r.out());
        assertEquals("", r.err());
        CommandRun secure = CommandRun.of("client", "--raw", http(server, "/secure"));
        assertEquals("WARNING: This request is NOT using HTTPS.\n", secure.out());
    }

    @Test
    void theUrlComesFromSecretUrlAndMayLackTheScheme() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        WorkshopEnvironment.lookup = Map.of("SECRET_URL", "127.0.0.1:" + server.address().getPort())::get;
        CommandRun r = CommandRun.of("client");
        assertEquals(0, r.code(), r.err());
        assertEquals("The secret message is: fluffy tail\n", r.out());

        WorkshopEnvironment.lookup = Map.<String, String>of()::get;
        CommandRun none = CommandRun.of("client");
        assertEquals(2, none.code());
        assertEquals("analyzer: no URL: give one, or set SECRET_URL\n"
                + "  e.g. analyzer client http://127.0.0.1:5683/   or   export SECRET_URL=http://127.0.0.1:5683\n",
                none.err());
    }

    @Test
    void pinnedToTheClubsCaItGetsTheSecretOverHttps() throws Exception {
        SecretServer server = tlsServer(club, List.of("DNS:localhost", "IP:127.0.0.1"));
        CommandRun r = CommandRun.of("client", "--cacert", clubCa.toString(), https(server, "/"));
        assertEquals(0, r.code(), r.err());
        assertEquals("The secret message is: fluffy tail\n", r.out());
        CommandRun secure = CommandRun.of("client", "--raw", "--cacert", clubCa.toString(), https(server, "/secure"));
        assertEquals("SUCCESS: This request is using HTTPS.\n", secure.out());
    }

    @Test
    void aForgedCertificateIsRejectedNamingBothIssuers() throws Exception {
        SecretServer server = tlsServer(mitm, List.of("DNS:localhost"));
        CommandRun r = CommandRun.of("client", "--cacert", clubCa.toString(), https(server, "/"));
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals("analyzer: certificate verify failed: unable to get local issuer certificate\n"
                + "  server certificate CN=localhost was issued by CN=analyzer MITM CA, not by the pinned CA"
                + " CN=Secret Squirrels CA\n", r.err());
    }

    @Test
    void withoutCacertTheJdkTrustStoreRefusesTheClubsCa() throws Exception {
        SecretServer server = tlsServer(club, List.of("DNS:localhost"));
        CommandRun r = CommandRun.of("client", https(server, "/"));
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("analyzer: certificate verify failed: unable to get local issuer certificate\n"
                + "  server certificate CN=localhost was issued by CN=Secret Squirrels CA, a CA the JDK's trust store"
                + " does not know"), r.err());
        assertFalse(r.err().contains("PKIX"), r.err());
    }

    @Test
    void insecureAcceptsTheForgeryAndSaysSo() throws Exception {
        SecretServer server = tlsServer(mitm, List.of("DNS:elsewhere.test"));
        CommandRun r = CommandRun.of("client", "--insecure", https(server, "/"));
        assertEquals(0, r.code(), r.err());
        assertEquals("The secret message is: fluffy tail\n", r.out());
        assertTrue(r.err().startsWith("analyzer: warning: --insecure: the server's certificate is not checked"),
                r.err());
        assertTrue(r.err().contains("accepted without checking: CN=localhost, issued by CN=analyzer MITM CA"), r.err());
    }

    @Test
    void aCertificateForAnotherHostGetsItsOwnMessage() throws Exception {
        SecretServer server = tlsServer(club, List.of("DNS:elsewhere.test"));
        CommandRun r = CommandRun.of("client", "--cacert", clubCa.toString(), https(server, "/"));
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("analyzer: certificate verify failed: certificate is for DNS:elsewhere.test,"
                + " not for host localhost\n"), r.err());
        assertFalse(r.err().contains("No subject alternative"), r.err());
    }

    @Test
    void errorStatusesExitOneWithWhatTheServerSaid() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        CommandRun r = CommandRun.of("client", http(server, "/missing"));
        assertEquals(1, r.code());
        assertEquals("analyzer: " + http(server, "/missing") + " answered 404 Not Found\n"
                + "  the server says: Not found: /missing\n", r.err());

        CommandRun shown = CommandRun.of("client", "-i", http(server, "/missing"));
        assertEquals(1, shown.code());
        assertTrue(shown.out().startsWith("HTTP/1.1 404 Not Found\n"), shown.out());
        assertTrue(shown.out().endsWith("\n\nNot found: /missing\n"), shown.out());
    }

    @Test
    void showHeadersPrintsTheStatusLineAndHeadersFirst() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        CommandRun r = CommandRun.of("client", "--show-headers", http(server, "/"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("HTTP/1.1 200 OK\n"), r.out());
        assertTrue(r.out().contains("\ncontent-type: text/plain; charset=utf-8\n"), r.out());
        assertTrue(r.out().endsWith("\n\nfluffy tail\n"), r.out());
    }

    @Test
    void logInThenReplayTheSessionCookie() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        CommandRun login = CommandRun.of("client", "--data", "username=alice&password=wonderland",
                http(server, "/login"));
        assertEquals(0, login.code(), login.err());
        assertEquals("Welcome, alice. You are logged in: your session cookie opens /members.\n", login.out());
        Matcher m = Pattern.compile("cookie: (session=[0-9a-f]{32})  \\(send it back with --cookie '\\1'\\)\n")
                .matcher(login.err());
        assertTrue(m.matches(), login.err());
        String cookie = m.group(1);

        CommandRun members = CommandRun.of("client", "--cookie", cookie, http(server, "/members"));
        assertEquals(0, members.code(), members.err());
        assertTrue(members.out().startsWith("The secret message is: Welcome, alice.\nMembers only: "), members.out());
        CommandRun asHeader = CommandRun.of("client", "-H", "Cookie: " + cookie, http(server, "/members"));
        assertEquals(members.out(), asHeader.out());

        CommandRun forged = CommandRun.of("client", "--cookie", "session=00000000000000000000000000000000",
                http(server, "/members"));
        assertEquals(1, forged.code());
        assertTrue(forged.err().startsWith("analyzer: " + http(server, "/members") + " answered 401 Unauthorized\n"),
                forged.err());

        CommandRun wrong = CommandRun.of("client", "-d", "username=alice&password=guess", http(server, "/login"));
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("answered 401 Unauthorized\n  the server says: Wrong username or password."),
                wrong.err());
    }

    @Test
    void fernetRightKeyWrongKeyAndTamperedToken() throws Exception {
        String key = Fernet.generateKey();
        SecretServer server = server(SecretServerConfig.defaults().withFernetKey(key));
        CommandRun raw = CommandRun.of("client", "--raw", http(server, "/"));
        assertTrue(raw.out().startsWith("gAAAAA"), raw.out());

        CommandRun right = CommandRun.of("client", "--fernet-key", key, http(server, "/"));
        assertEquals(0, right.code(), right.err());
        assertEquals("The secret message is: fluffy tail\n", right.out());

        WorkshopEnvironment.lookup = Map.of("SECRET_KEY", key)::get;
        assertEquals("The secret message is: fluffy tail\n", CommandRun.of("client", http(server, "/")).out());

        WorkshopEnvironment.lookup = Map.of("SECRET_KEY", Fernet.generateKey())::get;
        CommandRun wrong = CommandRun.of("client", http(server, "/"));
        assertEquals(1, wrong.code());
        assertEquals("analyzer: InvalidToken\n  the signature does not match: wrong key, or the token was altered"
                + " (key from $SECRET_KEY)\n", wrong.err());

        String token = new Fernet(key).encrypt("fluffy tail".getBytes(StandardCharsets.UTF_8));
        char[] altered = token.toCharArray();
        altered[40] = altered[40] == 'A' ? 'B' : 'A';
        HttpServer tampering = TestServers.plain(new String(altered));
        try {
            CommandRun tampered = CommandRun.of("client", "--fernet-key", key,
                    "http://127.0.0.1:" + tampering.getAddress().getPort() + "/");
            assertEquals(1, tampered.code());
            assertTrue(tampered.err().startsWith("analyzer: InvalidToken\n  "), tampered.err());
        } finally {
            tampering.stop(0);
        }

        CommandRun malformed = CommandRun.of("client", "--fernet-key", "short", http(server, "/"));
        assertEquals(2, malformed.code());
        assertTrue(malformed.err().startsWith("analyzer: --fernet-key: a Fernet key is 32 bytes"), malformed.err());
    }

    @Test
    void connectionFailuresAreOneLineAndExitOne() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CommandRun refused = CommandRun.of("client", "http://127.0.0.1:" + closed + "/");
        assertEquals(1, refused.code());
        assertEquals("analyzer: cannot connect to 127.0.0.1:" + closed + ": connection refused\n"
                + "  Is the server running there? (analyzer server)\n", refused.err());

        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            CommandRun slow = CommandRun.of("client", "--timeout", "300ms",
                    "http://127.0.0.1:" + silent.getLocalPort() + "/");
            assertEquals(1, slow.code());
            assertTrue(slow.err().startsWith("analyzer: no answer from 127.0.0.1:" + silent.getLocalPort()
                    + " within 300 ms (waiting for the answer)\n"), slow.err());
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        CommandRun both = CommandRun.of("client", "--insecure", "--cacert", clubCa.toString(), "https://localhost:1/");
        assertEquals(2, both.code());
        assertEquals("analyzer: choose --cacert FILE (trust only that CA) or --insecure (trust anything), not both\n",
                both.err());
        CommandRun header = CommandRun.of("client", "-H", "no colon", "http://127.0.0.1:1/");
        assertEquals(2, header.code());
        assertEquals("analyzer: --header wants 'NAME: VALUE', not 'no colon'\n", header.err());
        CommandRun ftp = CommandRun.of("client", "ftp://127.0.0.1/");
        assertEquals(2, ftp.code());
        assertEquals("analyzer: 'ftp://127.0.0.1/': only http:// and https:// URLs are supported\n", ftp.err());
        CommandRun missing = CommandRun.of("client", "--cacert", dir.resolve("nope.pem").toString(),
                "https://localhost:1/");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("analyzer: --cacert: ") && missing.err().split("\n").length == 1,
                missing.err());
        CommandRun cookie = CommandRun.of("client", "--cookie", "nonsense", "http://127.0.0.1:1/");
        assertEquals(2, cookie.code());
    }
}
