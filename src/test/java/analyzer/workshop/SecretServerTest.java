package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The secret server on loopback, ephemeral ports, driven by raw sockets and the JDK's HttpClient. */
@Timeout(60)
class SecretServerTest {

    private final List<ServedRequest> log = new CopyOnWriteArrayList<>();
    private final SecretServer.Listener listener = log::add;
    private SecretServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SecretServer start(SecretServerConfig config) throws IOException {
        server = SecretServer.start(config.withPort(0), listener);
        return server;
    }

    private static HttpClient jdkClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Sends raw bytes and returns all the server answers until it closes (or 5 s pass). */
    private static String raw(SecretServer server, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                // what came so far is the answer
            } catch (java.net.SocketException e) {
                // reset after the answer
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String raw(SecretServer server, String request) throws IOException {
        return raw(server, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void servesTheSecretOnAnEphemeralPortAndLogsTheRequest() throws Exception {
        start(SecretServerConfig.defaults());
        assertTrue(server.address().getPort() > 0);
        assertEquals("http://127.0.0.1:" + server.address().getPort() + "/", server.url().toString());
        HttpResponse<String> r = jdkClient().send(HttpRequest.newBuilder(server.url()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("fluffy tail", r.body());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
        assertEquals(1, log.size());
        ServedRequest served = log.get(0);
        assertEquals("GET", served.method());
        assertEquals("/", served.path());
        assertEquals(200, served.status());
        assertFalse(served.secure());
        assertEquals("127.0.0.1", served.client().getAddress().getHostAddress());
    }

    @Test
    void messageIsConfigurableAndSecureSaysPlainHttp() throws Exception {
        start(SecretServerConfig.defaults().withMessage("acorns at dawn"));
        HttpClient client = jdkClient();
        assertEquals("acorns at dawn", client.send(HttpRequest.newBuilder(server.url()).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals("WARNING: This request is NOT using HTTPS.", client.send(
                HttpRequest.newBuilder(server.url().resolve("/secure")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void unknownPathIs404AndOtherMethodsAre405WithAllow() throws Exception {
        start(SecretServerConfig.defaults());
        String notFound = raw(server, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(notFound.startsWith("HTTP/1.1 404 Not Found\r\n"), notFound);
        String notAllowed = raw(server, "DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(notAllowed.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), notAllowed);
        assertTrue(notAllowed.toLowerCase().contains("\r\nallow: get, head\r\n"), notAllowed);
    }

    @Test
    void headAnswersTheLengthWithoutTheBody() throws Exception {
        start(SecretServerConfig.defaults());
        String head = raw(server, "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.toLowerCase().contains("content-length: 11\r\n"), head);
        assertTrue(head.endsWith("\r\n\r\n"), "no body after the headers: " + head);
    }

    @Test
    void malformedRequestsGet400AndTheServerKeepsServing() throws Exception {
        start(SecretServerConfig.defaults());
        String longLine = raw(server, "GET /" + "a".repeat(SecretServer.MAX_INITIAL_LINE) + " HTTP/1.1\r\n\r\n");
        assertTrue(longLine.startsWith("HTTP/1.1 400 Bad Request\r\n"), longLine);
        String badHeader = raw(server, "GET / HTTP/1.1\r\nHost: x\r\nBad Header: \u0001\r\n"
                + "Content-Length: nope\r\n\r\n");
        assertTrue(badHeader.startsWith("HTTP/1.1 400 Bad Request\r\n"), badHeader);
        // A TLS ClientHello sent to the plain HTTP port.
        byte[] hello = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00, '\r', '\n', '\r', '\n'};
        String tls = raw(server, hello);
        assertTrue(tls.startsWith("HTTP/1.1 400 Bad Request\r\n"), tls);
        assertTrue(log.stream().anyMatch(r -> r.status() == 400 && r.path().startsWith("(malformed")), log.toString());

        String ok = raw(server, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(ok.endsWith("fluffy tail"), ok);
    }

    /** An HTTP/1.1 server answers other versions in its own (RFC 9110 15.6.6), and the HTTP/2 preface too. */
    @Test
    void otherHttpVersionsGet505InHttp11() throws Exception {
        start(SecretServerConfig.defaults());
        String h2 = raw(server, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assertTrue(h2.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), h2);
        assertEquals(1, h2.split("HTTP/1.1 ", -1).length - 1, "one answer, then the connection closes: " + h2);
        String three = raw(server, "GET / HTTP/3.0\r\nHost: x\r\n\r\n");
        assertTrue(three.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), three);
        String minor = raw(server, "GET / HTTP/1.7\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(minor.startsWith("HTTP/1.1 200 OK\r\n"), minor);
        String old = raw(server, "GET / HTTP/1.0\r\n\r\n");
        assertTrue(old.startsWith("HTTP/1.0 200 OK\r\n") && old.endsWith("fluffy tail"), old);
        assertTrue(log.stream().anyMatch(r -> r.status() == 505 && r.method().equals("PRI")), log.toString());
    }

    @Test
    void oversizedBodyGets413() throws Exception {
        start(SecretServerConfig.defaults());
        String big = "username=" + "a".repeat(SecretServer.MAX_BODY);
        String r = raw(server, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + big.length() + "\r\n\r\n" + big);
        assertTrue(r.startsWith("HTTP/1.1 413 "), r);
        assertTrue(log.stream().anyMatch(s -> s.status() == 413 && s.path().equals("/login")), log.toString());
    }

    @Test
    void keepAliveServesManyRequestsOnOneConnection() throws Exception {
        start(SecretServerConfig.defaults());
        String pipelined = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3)
                + "GET /secure HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        String r = raw(server, pipelined);
        assertEquals(4, r.split("HTTP/1.1 200 OK", -1).length - 1, r);
        assertTrue(r.endsWith("WARNING: This request is NOT using HTTPS."), r);
        Set<Integer> ports = new HashSet<>();
        for (ServedRequest s : log) {
            ports.add(s.client().getPort());
        }
        assertEquals(1, ports.size(), "all four on one connection: " + log);

        HttpClient client = jdkClient();
        log.clear();
        for (int i = 0; i < 10; i++) {
            assertEquals("fluffy tail", client.send(HttpRequest.newBuilder(server.url()).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
        ports.clear();
        for (ServedRequest s : log) {
            ports.add(s.client().getPort());
        }
        assertEquals(1, ports.size(), "the JDK client reused its connection: " + log);
    }

    @Test
    void servesSixtyFourClientsAtOnce() throws Exception {
        start(SecretServerConfig.defaults());
        int clients = 64;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch allConnected = new CountDownLatch(clients);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
                        s.setSoTimeout(10_000);
                        allConnected.countDown();
                        // Every client holds its connection open until all are connected: truly concurrent.
                        assertTrue(allConnected.await(20, TimeUnit.SECONDS));
                        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    }
                }));
            }
            for (Future<String> a : answers) {
                assertTrue(a.get(30, TimeUnit.SECONDS).endsWith("\r\n\r\nfluffy tail"));
            }
        } finally {
            pool.shutdownNow();
        }
        Set<Integer> ports = new HashSet<>();
        for (ServedRequest s : log) {
            ports.add(s.client().getPort());
        }
        assertEquals(clients, ports.size());
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        start(SecretServerConfig.defaults().withIdleTimeout(Duration.ofMillis(300)));
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5_000);
            long started = System.nanoTime();
            assertEquals(-1, s.getInputStream().read());
            assertTrue(System.nanoTime() - started < 4_000_000_000L);
        }
    }

    @Test
    void aTakenPortIsAOneLineBindError() throws Exception {
        start(SecretServerConfig.defaults());
        int port = server.address().getPort();
        BindException e = assertThrows(BindException.class,
                () -> SecretServer.start(SecretServerConfig.defaults().withPort(port), SecretServer.Listener.NONE));
        assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + ": "), e.getMessage());
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefusedAtStart() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("Secret Squirrels CA");
        TestCertificates.Issued leaf = TestCertificates.localhost(ca);
        TestCertificates.Issued other = TestCertificates.localhost(ca);
        SecretServerConfig config = SecretServerConfig.defaults().withPort(0).withTls(
                new SecretServerConfig.TlsIdentity(other.privateKey(), List.of(leaf.certificate())));
        SSLException e = assertThrows(SSLException.class, () -> SecretServer.start(config, listener));
        assertEquals("the private key does not belong to the certificate CN=localhost", e.getMessage());
    }

    @Test
    void urlNamesTheSchemeAndTheRequestedHost() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("Secret Squirrels CA");
        start(SecretServerConfig.defaults().withTls(TestCertificates.localhost(ca).identity()));
        int port = server.address().getPort();
        assertEquals(URI.create("https://localhost:" + port + "/"), server.url("localhost"));
        assertTrue(server.tls());
    }
}
