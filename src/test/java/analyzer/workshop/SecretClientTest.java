package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.TestServers;
import com.sun.net.httpserver.HttpServer;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The secret client against the secret server on loopback: plain, pinned, careless, and every way to fail. */
@Timeout(60)
class SecretClientTest {

    private static TestCertificates.Issued clubCa;
    private static TestCertificates.Issued mitmCa;
    private static TestCertificates.Issued clubLeaf;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        clubCa = TestCertificates.ca("Secret Squirrels CA");
        mitmCa = TestCertificates.ca("analyzer MITM CA");
        clubLeaf = TestCertificates.localhost(clubCa);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private SecretServer server(SecretServerConfig config) throws Exception {
        return keep(SecretServer.start(config.withPort(0), SecretServer.Listener.NONE));
    }

    private SecretServer tlsServer(TestCertificates.Issued leaf) throws Exception {
        return server(SecretServerConfig.defaults().withTls(leaf.identity()));
    }

    private SecretClient client(SecretClientConfig config) {
        return keep(SecretClient.create(config));
    }

    private SecretClient pinned(TestCertificates.Issued ca) {
        return client(SecretClientConfig.pinned(List.of(ca.certificate())));
    }

    @Test
    void fetchesTheSecretOverPlainHttp() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        SecretClient client = client(SecretClientConfig.system());
        assertEquals("fluffy tail", client.secret(server.url()));
        ClientResponse r = client.get(server.url().resolve("/secure"), null);
        assertEquals("WARNING: This request is NOT using HTTPS.", r.text());
        assertEquals("HTTP/1.1 200 OK", r.statusLine());
        assertNull(r.tls());
    }

    @Test
    void pinnedToTheClubsCaTheSecretComesOverTls() throws Exception {
        SecretServer server = tlsServer(clubLeaf);
        SecretClient client = pinned(clubCa);
        assertEquals("fluffy tail", client.secret(server.url("localhost")));
        ClientResponse secure = client.get(server.url("localhost").resolve("/secure"), null);
        assertEquals("SUCCESS: This request is using HTTPS.", secure.text());
        assertEquals("TLSv1.3", secure.tls().protocol());
        assertTrue(secure.tls().verified());
        assertEquals(clubLeaf.certificate(), secure.tls().serverCertificates().get(0));
        // The certificate lists IP:127.0.0.1 too.
        assertEquals("fluffy tail", client.secret(server.url()));
    }

    @Test
    void pinnedToAnotherCaTheForgedCertificateIsRejectedWithTheIssuers() throws Exception {
        SecretServer server = tlsServer(TestCertificates.localhost(mitmCa));
        ClientFailure f = assertThrows(ClientFailure.class, () -> pinned(clubCa).secret(server.url("localhost")));
        assertEquals(ClientFailure.Kind.CERTIFICATE_UNTRUSTED, f.kind());
        assertTrue(f.kind().certificateRejected());
        assertEquals("certificate verify failed: unable to get local issuer certificate", f.getMessage());
        assertEquals("server certificate CN=localhost was issued by CN=analyzer MITM CA, not by the pinned CA"
                + " CN=Secret Squirrels CA", f.hint());
        assertEquals("CN=analyzer MITM CA", CertificateNames.shortName(f.serverCertificates().get(0).getIssuerX500Principal()));
    }

    @Test
    void theJdkTrustStoreDoesNotKnowTheClubsOwnCa() throws Exception {
        SecretServer server = tlsServer(clubLeaf);
        ClientFailure f = assertThrows(ClientFailure.class,
                () -> client(SecretClientConfig.system()).secret(server.url("localhost")));
        assertEquals(ClientFailure.Kind.CERTIFICATE_UNTRUSTED, f.kind());
        assertEquals("server certificate CN=localhost was issued by CN=Secret Squirrels CA, a CA the JDK's trust"
                + " store does not know (trust your own CA with --cacert FILE)", f.hint());
    }

    @Test
    void anInsecureClientAcceptsAnyCertificateForAnyHost() throws Exception {
        TestCertificates.Issued elsewhere = TestCertificates.leaf(mitmCa, "elsewhere.test",
                List.of("DNS:elsewhere.test"), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(1)));
        SecretServer server = tlsServer(elsewhere);
        SecretClient client = client(SecretClientConfig.insecure());
        ClientResponse r = client.get(server.url("localhost"), null);
        assertEquals("fluffy tail", r.text());
        assertFalse(r.tls().verified());
        assertEquals(elsewhere.certificate(), r.tls().serverCertificates().get(0));
    }

    @Test
    void aCertificateForAnotherHostGetsTheHostnameMessage() throws Exception {
        TestCertificates.Issued elsewhere = TestCertificates.leaf(clubCa, "elsewhere.test",
                List.of("DNS:elsewhere.test", "DNS:www.elsewhere.test"), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(1)));
        SecretServer server = tlsServer(elsewhere);
        ClientFailure f = assertThrows(ClientFailure.class, () -> pinned(clubCa).secret(server.url("localhost")));
        assertEquals(ClientFailure.Kind.CERTIFICATE_WRONG_HOST, f.kind());
        assertEquals("certificate verify failed: certificate is for DNS:elsewhere.test, DNS:www.elsewhere.test,"
                + " not for host localhost", f.getMessage());

        ClientFailure byIp = assertThrows(ClientFailure.class, () -> pinned(clubCa).secret(server.url()));
        assertEquals("certificate verify failed: certificate is for DNS:elsewhere.test, DNS:www.elsewhere.test,"
                + " not for host 127.0.0.1", byIp.getMessage());
    }

    @Test
    void anExpiredCertificateSaysSoAndWhen() throws Exception {
        Instant now = Instant.now();
        TestCertificates.Issued expired = TestCertificates.leaf(clubCa, "localhost", List.of("DNS:localhost"),
                now.minus(Duration.ofDays(31)), now.minus(Duration.ofDays(1)));
        SecretServer server = tlsServer(expired);
        ClientFailure f = assertThrows(ClientFailure.class, () -> pinned(clubCa).secret(server.url("localhost")));
        assertEquals(ClientFailure.Kind.CERTIFICATE_EXPIRED, f.kind());
        assertEquals("certificate verify failed: certificate has expired", f.getMessage());
        assertTrue(f.hint().startsWith("server certificate CN=localhost is valid from "), f.hint());
        assertTrue(f.hint().contains(" UTC; it is now "), f.hint());
    }

    @Test
    void aCertificateNotYetValidSaysSo() throws Exception {
        Instant now = Instant.now();
        TestCertificates.Issued future = TestCertificates.leaf(clubCa, "localhost", List.of("DNS:localhost"),
                now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        SecretServer server = tlsServer(future);
        ClientFailure f = assertThrows(ClientFailure.class, () -> pinned(clubCa).secret(server.url("localhost")));
        assertEquals(ClientFailure.Kind.CERTIFICATE_NOT_YET_VALID, f.kind());
        assertEquals("certificate verify failed: certificate is not yet valid", f.getMessage());
    }

    @Test
    void httpsToAPlainServerSaysItIsNotTls() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        URI https = URI.create("https://localhost:" + server.address().getPort() + "/");
        ClientFailure f = assertThrows(ClientFailure.class, () -> pinned(clubCa).secret(https));
        assertEquals(ClientFailure.Kind.TLS_HANDSHAKE, f.kind());
        assertEquals("localhost:" + server.address().getPort() + " did not answer in TLS", f.getMessage());
    }

    @Test
    void connectionRefusedUnknownHostAndTimeoutsEachSayWhat() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SecretClient client = client(SecretClientConfig.system().withTimeout(Duration.ofMillis(500)));
        ClientFailure refused = assertThrows(ClientFailure.class,
                () -> client.secret(URI.create("http://127.0.0.1:" + closedPort + "/")));
        assertEquals(ClientFailure.Kind.CONNECTION_REFUSED, refused.kind());
        assertEquals("cannot connect to 127.0.0.1:" + closedPort + ": connection refused", refused.getMessage());

        ClientFailure unknown = assertThrows(ClientFailure.class,
                () -> client.secret(URI.create("http://nosuch.invalid:5683/")));
        assertEquals(ClientFailure.Kind.UNKNOWN_HOST, unknown.kind(), unknown.getMessage());
        assertEquals("cannot resolve host 'nosuch.invalid'", unknown.getMessage());

        // A server that accepts and never answers.
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/");
            ClientFailure slow = assertThrows(ClientFailure.class, () -> client.secret(url));
            assertEquals(ClientFailure.Kind.TIMEOUT, slow.kind());
            assertEquals("no answer from 127.0.0.1:" + silent.getLocalPort() + " within 500 ms (waiting for the answer)",
                    slow.getMessage());
            URI https = URI.create("https://127.0.0.1:" + silent.getLocalPort() + "/");
            ClientFailure handshake = assertThrows(ClientFailure.class, () -> client.secret(https));
            assertEquals(ClientFailure.Kind.TIMEOUT, handshake.kind());
            assertTrue(handshake.getMessage().endsWith("(during the TLS handshake)"), handshake.getMessage());
        }
    }

    @Test
    void aServerThatClosesWithoutAnAnswerSaysSo() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = rude.accept()) {
                    s.getInputStream().read();
                } catch (java.io.IOException e) {
                    // the test ends either way
                }
            });
            t.start();
            URI url = URI.create("http://127.0.0.1:" + rude.getLocalPort() + "/");
            ClientFailure f = assertThrows(ClientFailure.class, () -> client(SecretClientConfig.system()).secret(url));
            assertEquals(ClientFailure.Kind.CONNECTION_CLOSED, f.kind(), f.getMessage());
            t.join(5_000);
        }
    }

    @Test
    void errorStatusesFailSecretButNotSend() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        SecretClient client = client(SecretClientConfig.system());
        URI missing = server.url().resolve("/missing");
        ClientFailure f = assertThrows(ClientFailure.class, () -> client.secret(missing));
        assertEquals(ClientFailure.Kind.HTTP_STATUS, f.kind());
        assertEquals(missing + " answered 404 Not Found", f.getMessage());
        assertEquals("the server says: Not found: /missing", f.hint());
        assertEquals(404, client.send(ClientRequest.get(missing)).status());
    }

    @Test
    void loginThenMembersAndAStolenCookieWorksFromAnotherClient() throws Exception {
        SecretServer server = server(SecretServerConfig.defaults());
        SecretClient alice = client(SecretClientConfig.system());
        String cookie = alice.login(server.url().resolve("/login"), "alice", "wonderland");
        assertTrue(cookie.matches("session=[0-9a-f]{32}"), cookie);
        ClientResponse page = alice.get(server.url().resolve("/members"), cookie);
        assertEquals(200, page.status());
        assertTrue(page.text().startsWith("Welcome, alice."), page.text());

        SecretClient thief = client(SecretClientConfig.system());
        ClientResponse hijacked = thief.get(server.url().resolve("/members"), cookie);
        assertEquals(200, hijacked.status());
        assertEquals(page.text(), hijacked.text());

        assertEquals(401, thief.get(server.url().resolve("/members"), "session=00000000000000000000000000000000")
                .status());
        assertEquals(401, thief.get(server.url().resolve("/members"), null).status());
        ClientFailure wrong = assertThrows(ClientFailure.class,
                () -> thief.login(server.url().resolve("/login"), "alice", "guess"));
        assertEquals(ClientFailure.Kind.HTTP_STATUS, wrong.kind());
        assertEquals(401, wrong.response().status());
    }

    @Test
    void loginOverPinnedTlsGivesASecureCookie() throws Exception {
        SecretServer server = tlsServer(clubLeaf);
        SecretClient client = pinned(clubCa);
        URI login = server.url("localhost").resolve("/login");
        ClientResponse r = client.send(ClientRequest.form(login,
                java.util.Map.of("username", "bob", "password", "hazelnuts")));
        assertTrue(r.header("Set-Cookie").contains("; Secure"), r.header("Set-Cookie"));
        String cookie = r.cookies().get(0);
        assertTrue(client.get(server.url("localhost").resolve("/members"), cookie).text().startsWith("Welcome, bob."));
    }

    @Test
    void fernetRightKeyDecryptsWrongKeyAndTamperedTokenAreInvalid() throws Exception {
        String key = Fernet.generateKey();
        SecretServer server = server(SecretServerConfig.defaults().withFernetKey(key));
        SecretClient right = client(SecretClientConfig.system().withFernetKey(key));
        assertEquals("fluffy tail", right.secret(server.url()));

        SecretClient wrong = client(SecretClientConfig.system().withFernetKey(Fernet.generateKey()));
        Fernet.InvalidTokenException bad = assertThrows(Fernet.InvalidTokenException.class,
                () -> wrong.secret(server.url()));
        assertEquals("the signature does not match: wrong key, or the token was altered", bad.getMessage());

        String token = new Fernet(key).encrypt("fluffy tail".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        char[] altered = token.toCharArray();
        int i = 30;
        altered[i] = altered[i] == 'A' ? 'B' : 'A';
        HttpServer tampering = TestServers.plain(new String(altered));
        try {
            URI url = URI.create("http://127.0.0.1:" + tampering.getAddress().getPort() + "/");
            assertThrows(Fernet.InvalidTokenException.class, () -> right.secret(url));
        } finally {
            tampering.stop(0);
        }
    }
}
