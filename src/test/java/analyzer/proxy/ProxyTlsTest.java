package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Event;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsRecordSeen;
import analyzer.pki.ForgedCertificateAuthority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS through the proxy: passthrough relays records it cannot read; intercept forges a certificate that a pinned
 * client rejects (and the proxy says so, with the client's alert) while a careless client is fully exposed.
 * Real clients: the JDK's HttpClient and curl, over TLS 1.2 and 1.3.
 */
@Timeout(90)
@ExtendWith(NettyLeaks.class)
class ProxyTlsTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final TamperRules SQUIRREL = TamperRules.replaceInResponses(
            BodyReplacement.parse("fluffy tail=>squirrel party"));

    @TempDir
    static Path dir;
    private static TestUpstream.Pki pki;
    private static ForgedCertificateAuthority mitm;
    private static Path mitmCaPem;

    private final Recorder recorder = new Recorder();
    private TestUpstream upstream;
    private InterceptingProxy proxy;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = new TestUpstream.Pki(dir);
        mitm = ForgedCertificateAuthority.loadOrCreate(dir.resolve("mitm"));
        mitmCaPem = dir.resolve("mitm").resolve(ForgedCertificateAuthority.CERTIFICATE_FILE);
    }

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.tls(pki);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    @Test
    void passthroughRelaysTheSecretButTheProxySeesOnlyRecords() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()), recorder);
        for (String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
            assertEquals(TestUpstream.SECRET, get(pki.pinnedClient(), version, proxyUrl("/secret")));
        }
        recorder.await(TlsRecordSeen.class, 2, r -> r.contentType() == TlsRecordSeen.APPLICATION_DATA && r.encrypted());
        recorder.await(TlsRecordSeen.class, 2, r -> r.handshakes().stream().anyMatch(h -> h instanceof TlsHandshake.ClientHello));
        assertTrue(recorder.all(HttpRequestSeen.class).isEmpty(), recorder.describe());
        assertTrue(recorder.all(HttpResponseSeen.class).isEmpty(), recorder.describe());
        assertTrue(recorder.all(RawDataSeen.class).isEmpty(), recorder.describe());
        assertTrue(recorder.all(ForgeryAccepted.class).isEmpty());
    }

    @Test
    void pinnedJdkClientRejectsTheForgeryAndTheProxyReportsItsAlert() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort())
                .withIntercept(mitm, UpstreamTrust.pinned(pki.caPem)).withRules(SQUIRREL), recorder);
        assertThrows(IOException.class, () -> get(pki.pinnedClient(), "TLSv1.2", proxyUrl("/")));
        ForgeryRejected tls12 = recorder.awaitOne(ForgeryRejected.class);
        assertTrue(tls12.certificateRejected(), tls12.toString());
        assertJdkRejection(tls12);
        assertEquals("127.0.0.1", tls12.host());

        assertThrows(IOException.class, () -> get(pki.pinnedClient(), "TLSv1.3", proxyUrl("/")));
        ForgeryRejected tls13 = recorder.await(ForgeryRejected.class, 2, r -> true).get(1);
        assertJdkRejection(tls13);
        assertTrue(recorder.all(ForgeryAccepted.class).isEmpty());
        assertTrue(recorder.all(HttpRequestSeen.class).isEmpty(), "nothing was readable: " + recorder.describe());
    }

    @Test
    void jdkSocketClientSendsItsAlertInClearUnderTls12AndEncryptedUnderTls13() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort())
                .withIntercept(mitm, UpstreamTrust.pinned(pki.caPem)), recorder);
        for (String version : new String[] {"TLSv1.2", "TLSv1.3"}) {
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) pki.pinnedClient().getSocketFactory()
                    .createSocket("127.0.0.1", proxy.address().getPort())) {
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(new String[] {version});
                assertThrows(javax.net.ssl.SSLHandshakeException.class, socket::startHandshake);
            }
        }
        var rejections = recorder.await(ForgeryRejected.class, 2, r -> true);
        assertEquals(ForgeryRejected.Evidence.ALERT_IN_CLEAR, rejections.get(0).evidence(), rejections.get(0).toString());
        assertEquals(ForgeryRejected.Evidence.ALERT_DECRYPTED, rejections.get(1).evidence(), rejections.get(1).toString());
        for (ForgeryRejected r : rejections) {
            assertTrue(r.certificateRejected(), r.toString());
            assertTrue(Set.of("certificate_unknown", "bad_certificate").contains(r.alert()), r.toString());
        }
    }

    @Test
    void pinnedCurlRejectsTheForgeryWithUnknownCa() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort())
                .withIntercept(mitm, UpstreamTrust.pinned(pki.caPem)), recorder);
        Curl tls13 = Curl.run("--cacert", pki.caPem.toString(), proxyUrl("/"));
        assertEquals(60, tls13.code(), tls13.toString());
        ForgeryRejected r13 = recorder.awaitOne(ForgeryRejected.class);
        assertEquals("unknown_ca", r13.alert(), r13.toString());
        // OpenSSL sends it before switching to the handshake keys: readable on the wire even under TLS 1.3.
        assertEquals(ForgeryRejected.Evidence.ALERT_IN_CLEAR, r13.evidence(), r13.toString());

        Curl tls12 = Curl.run("--tlsv1.2", "--tls-max", "1.2", "--cacert", pki.caPem.toString(), proxyUrl("/"));
        assertEquals(60, tls12.code(), tls12.toString());
        ForgeryRejected r12 = recorder.await(ForgeryRejected.class, 2, r -> true).get(1);
        assertEquals("unknown_ca", r12.alert(), r12.toString());
        assertEquals(ForgeryRejected.Evidence.ALERT_IN_CLEAR, r12.evidence(), r12.toString());
    }

    @Test
    void insecureCurlGetsTheTamperedBodyAndTheProxyReadsTheSecret() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort())
                .withIntercept(mitm, UpstreamTrust.pinned(pki.caPem)).withRules(SQUIRREL), recorder);
        for (String max : new String[] {"1.3", "1.2"}) {
            Curl insecure = Curl.run("-k", "--tls-max", max, proxyUrl("/secret"));
            assertEquals(0, insecure.code(), insecure.toString());
            assertEquals("squirrel party", insecure.out());
        }
        ForgeryAccepted accepted = recorder.awaitOne(ForgeryAccepted.class);
        assertEquals("127.0.0.1", accepted.host());
        recorder.await(ForgeryAccepted.class, 1, a -> a.protocol().equals("TLSv1.2"));
        recorder.await(HttpResponseSeen.class, 2, r -> TestUpstream.SECRET.equals(body(r)));
        recorder.await(Tampering.class, 2, t -> t.after().equals("squirrel party"));
    }

    @Test
    void clientThatTrustsTheMitmCaIsFooledEvenWithoutRewriting() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort())
                .withIntercept(mitm, UpstreamTrust.pinned(pki.caPem)), recorder);
        SSLContext trustsMitm = TestUpstream.trusting(mitm.caCertificate());
        assertEquals(TestUpstream.SECRET, get(trustsMitm, "TLSv1.3", proxyUrl("/secret")));
        Curl curl = Curl.run("--cacert", mitmCaPem.toString(), proxyUrl("/secret"));
        assertEquals(TestUpstream.SECRET, curl.out(), curl.toString());
        recorder.await(HttpResponseSeen.class, 2, r -> TestUpstream.SECRET.equals(body(r)));
        assertTrue(recorder.all(ForgeryRejected.class).isEmpty(), recorder.describe());
    }

    @Test
    void interceptedRequestThatTwoParsersCouldReadDifferentlyIsRefused() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort())
                .withIntercept(mitm, UpstreamTrust.pinned(pki.caPem)), recorder);
        SSLContext trustsMitm = TestUpstream.trusting(mitm.caCertificate());
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustsMitm.getSocketFactory()
                .createSocket("127.0.0.1", proxy.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /secret HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 400 ") && answer.contains("analyzer proxy: "), answer);
        }
        recorder.await(Event.class, 1, e -> e instanceof analyzer.dissect.HttpMalformed);
        assertEquals(TestUpstream.SECRET, get(trustsMitm, "TLSv1.3", proxyUrl("/secret")));
    }

    @Test
    void forwardProxyInterceptsConnectAndUsesTheClientsServerName() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.forward(ANY_PORT)
                .withIntercept(mitm, UpstreamTrust.pinned(pki.caPem)).withRules(SQUIRREL), recorder);
        Curl curl = Curl.run("-x", "http://127.0.0.1:" + proxy.address().getPort(), "--cacert", mitmCaPem.toString(),
                "https://localhost:" + upstream.port() + "/secret");
        assertEquals("squirrel party", curl.out(), curl.toString());
        assertEquals("localhost", recorder.awaitOne(ForgeryAccepted.class).host());
        recorder.await(HttpRequestSeen.class, 1, r -> r.method().equals("CONNECT"));
        recorder.await(HttpResponseSeen.class, 1, r -> TestUpstream.SECRET.equals(body(r)));
    }

    @Test
    void forwardProxyPassesConnectThroughUnread() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.forward(ANY_PORT), recorder);
        Curl curl = Curl.run("-x", "http://127.0.0.1:" + proxy.address().getPort(), "--cacert", pki.caPem.toString(),
                "https://localhost:" + upstream.port() + "/secret");
        assertEquals(TestUpstream.SECRET, curl.out(), curl.toString());
        recorder.await(HttpRequestSeen.class, 1, r -> r.method().equals("CONNECT"));
        recorder.await(TlsRecordSeen.class, 1, r -> r.handshakes().stream()
                .anyMatch(h -> h instanceof TlsHandshake.ClientHello c && "localhost".equals(c.serverName())));
        recorder.await(TlsRecordSeen.class, 1, r -> r.contentType() == TlsRecordSeen.APPLICATION_DATA);
        for (Event e : recorder.all(Event.class)) {
            assertFalse(e instanceof HttpResponseSeen r && TestUpstream.SECRET.equals(body(r)), e.toString());
        }
    }

    @Test
    void connectToAnUnreachableTargetIsAnswered502() throws Exception {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        proxy = InterceptingProxy.start(ProxyConfig.forward(ANY_PORT), recorder);
        Curl curl = Curl.run("-x", "http://127.0.0.1:" + proxy.address().getPort(), "--cacert", pki.caPem.toString(),
                "https://localhost:" + deadPort + "/");
        assertEquals(56, curl.code(), curl.toString());
        assertTrue(curl.err().contains("502"), curl.toString());
        assertTrue(recorder.awaitOne(UpstreamFailure.class).badGateway());
        Curl ok = Curl.run("-x", "http://127.0.0.1:" + proxy.address().getPort(), "--cacert", pki.caPem.toString(),
                "https://localhost:" + upstream.port() + "/secret");
        assertEquals(TestUpstream.SECRET, ok.out(), ok.toString());
    }

    @Test
    void upstreamWithAnUntrustedCertificateGets502() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort())
                .withIntercept(mitm, UpstreamTrust.systemDefault()), recorder);
        Curl curl = Curl.run("-k", "-w", "%{http_code}", proxyUrl("/"));
        assertTrue(curl.out().endsWith("502"), curl.toString());
        assertTrue(curl.out().contains("certificate verify failed"), curl.toString());
        UpstreamFailure f = recorder.awaitOne(UpstreamFailure.class);
        assertTrue(f.reason().contains("certificate"), f.reason());
        assertTrue(f.badGateway());
    }

    /** The JDK's HttpClient hangs up without sending its alert: the close is the evidence then. */
    private static void assertJdkRejection(ForgeryRejected r) {
        assertTrue(r.certificateRejected(), r.toString());
        assertTrue(r.evidence() == ForgeryRejected.Evidence.CLOSED
                || Set.of("certificate_unknown", "bad_certificate").contains(String.valueOf(r.alert())), r.toString());
    }

    private String proxyUrl(String path) {
        return "https://127.0.0.1:" + proxy.address().getPort() + path;
    }

    private static String get(SSLContext context, String protocol, String url) throws Exception {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {protocol});
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .sslParameters(params).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String body(HttpResponseSeen r) {
        return new String(r.body().shown(), StandardCharsets.UTF_8);
    }
}
