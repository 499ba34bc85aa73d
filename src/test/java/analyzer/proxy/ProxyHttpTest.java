package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.BrotliCli;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.flow.Direction;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Plain HTTP through the proxy end to end, with real clients (the JDK's, curl, Python's server, raw sockets) and real
 * servers, on each transport; what a connection does with each event is ProxiedConnectionTest's.
 */
@Timeout(60)
@ExtendWith(NettyLeaks.class)
class ProxyHttpTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final TamperRules SQUIRREL = TamperRules.replaceInResponses(
            BodyReplacement.parse("fluffy tail=>squirrel party"));

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Recorder recorder = new Recorder();
    private TestUpstream upstream;
    private InterceptingProxy proxy;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.plain();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    @Test
    void eavesdropperReadsTheSecretAsTheClientGetsIt() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()), recorder);
        for (int i = 0; i < 3; i++) {
            assertEquals(TestUpstream.SECRET, get("/secret").body());
        }
        List<HttpResponseSeen> responses = recorder.await(HttpResponseSeen.class, 3, r -> true);
        HttpResponseSeen r = responses.get(0);
        assertEquals(TestUpstream.SECRET, new String(r.body().shown(), StandardCharsets.UTF_8));
        assertEquals("GET", r.requestMethod());
        assertEquals("/secret", r.requestUri());
        assertTrue(r.frames().isEmpty(), "seen by the proxy, not in a capture");
        assertEquals(upstream.port(), r.flow().server().port());
        assertEquals(Direction.SERVER_TO_CLIENT, r.direction());
        assertTrue(recorder.all(Tampering.class).isEmpty());
    }

    @Test
    void tamperingChangesWhatTheClientGetsWhateverTheFraming() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()).withRules(SQUIRREL),
                recorder);
        assertEquals("squirrel party", get("/secret").body());
        assertEquals("squirrel party", get("/chunked").body());
        HttpResponse<byte[]> gz = client.send(request("/gzip"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(String.valueOf(gz.body().length), gz.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(("the secret is squirrel party\n").repeat(50), gunzip(gz.body()));
        HttpResponse<byte[]> gzChunked = client.send(request("/gzip-chunked"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("squirrel party squirrel party", gunzip(gzChunked.body()));
        List<Tampering> t = recorder.await(Tampering.class, 4, x -> x.part().equals("response body"));
        assertEquals("fluffy tail", t.get(0).before());
        assertEquals("squirrel party", t.get(0).after());
        assertEquals("GET /secret", t.get(0).exchange());
        assertTrue(t.stream().anyMatch(x -> x.exchange().equals("GET /gzip") && x.count() == 50), recorder.describe());
        // The eavesdropper still read the original.
        recorder.await(HttpResponseSeen.class, 1, r -> r.requestUri().equals("/secret")
                && new String(r.body().shown(), StandardCharsets.UTF_8).equals(TestUpstream.SECRET));
    }

    /** Browsers and CDNs send br: the eavesdropper reads it decoded, the tamperer rewrites it (sent uncoded). */
    @Test
    void aBrotliBodyIsReadDecodedAndRewritten() throws Exception {
        String secretPage = ("the secret is " + TestUpstream.SECRET + "\n").repeat(20);
        byte[] br = BrotliCli.compress(secretPage.getBytes(StandardCharsets.UTF_8));
        upstream.serve("/br", br, "br");
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()), recorder);
        HttpResponse<byte[]> relayed = client.send(request("/br"), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(br, relayed.body(), "relayed as the server sent it");
        recorder.await(HttpResponseSeen.class, 1, r -> r.requestUri().equals("/br") && "br".equals(
                r.body().contentEncoding()) && new String(r.body().shown(), StandardCharsets.UTF_8).equals(secretPage));
        proxy.close();

        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()).withRules(SQUIRREL),
                recorder);
        HttpResponse<byte[]> rewritten = client.send(request("/br"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(secretPage.replace(TestUpstream.SECRET, "squirrel party"),
                new String(rewritten.body(), StandardCharsets.UTF_8));
        assertTrue(rewritten.headers().firstValue("Content-Encoding").isEmpty(), rewritten.headers().toString());
        recorder.await(Tampering.class, 1, x -> x.exchange().equals("GET /br") && x.count() == 20);
    }

    @Test
    void pipelinedRequestsComeBackInOrderWithCorrectFraming() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()).withRules(SQUIRREL),
                recorder);
        String paths = "/secret /chunked /gzip /gzip-chunked /secret";
        StringBuilder requests = new StringBuilder();
        for (String path : paths.split(" ")) {
            requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        List<FullHttpResponse> responses = new ArrayList<>();
        EmbeddedChannel parser = new EmbeddedChannel(new HttpResponseDecoder(), new HttpContentDecompressor(0),
                new HttpObjectAggregator(1 << 20));
        try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            while (responses.size() < 5) {
                int n = in.read(buf);
                assertTrue(n > 0, "the proxy closed after " + responses.size() + " responses");
                parser.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
                for (Object o; (o = parser.readInbound()) != null; ) {
                    responses.add((FullHttpResponse) o);
                }
            }
        }
        try {
            List<String> bodies = responses.stream().map(r -> r.content().toString(StandardCharsets.UTF_8)).toList();
            assertEquals(List.of("squirrel party", "squirrel party", "the secret is squirrel party\n".repeat(50),
                    "squirrel party squirrel party", "squirrel party"), bodies);
            assertTrue(responses.stream().allMatch(r -> r.decoderResult().isSuccess()));
        } finally {
            responses.forEach(FullHttpResponse::release);
            parser.finishAndReleaseAll();
        }
    }

    @Test
    void forwardProxyServesCurlAndKeepsServingAfterAFailure() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        proxy = InterceptingProxy.start(ProxyConfig.forward(ANY_PORT).withRules(SQUIRREL), recorder);
        String proxyUrl = "http://127.0.0.1:" + proxy.address().getPort();
        Curl down = Curl.run("-x", proxyUrl, "http://127.0.0.1:" + deadPort + "/");
        assertTrue(down.out().contains("connection refused"), down.toString());
        Curl ok = Curl.run("-x", proxyUrl, "http://127.0.0.1:" + upstream.port() + "/secret",
                "http://localhost:" + upstream.port() + "/chunked");
        assertEquals(0, ok.code(), ok.err());
        assertEquals("squirrel partysquirrel party", ok.out());
        recorder.await(HttpRequestSeen.class, 1,
                r -> r.uri().equals("http://127.0.0.1:" + upstream.port() + "/secret"));
        HttpClient viaProxy = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(java.net.ProxySelector.of(proxy.address())).build();
        assertEquals("squirrel party", viaProxy.send(request("/secret"), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void thousandConcurrentConnectionsAllComplete() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()), recorder);
        assertEquals(1000, concurrentClients(1000, "GET /secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        recorder.await(HttpResponseSeen.class, 1000, r -> true);
    }

    @Test
    void slowReaderDoesNotStallOthersNorMakeTheProxyBufferEverything() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()), recorder);
        try (Socket slow = new Socket("127.0.0.1", proxy.address().getPort())) {
            slow.getOutputStream().write("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // The slow client reads nothing; everyone else is served meanwhile.
            for (int i = 0; i < 20; i++) {
                assertEquals(TestUpstream.SECRET, get("/secret").body());
            }
            Thread.sleep(500);
            assertPushedBackThenDelivered(slow, "");
        }
    }

    /** The proxy stopped reading /huge for a client that does not read, and the client still gets all of it. */
    private void assertPushedBackThenDelivered(Socket slow, String where) throws java.io.IOException {
        long sent = upstream.hugeBytesSent();
        assertTrue(sent < TestUpstream.HUGE / 4, where + "the upstream could push " + sent + " bytes: the proxy kept"
                + " reading for a client that does not read");
        InputStream in = slow.getInputStream();
        long total = 0;
        byte[] buf = new byte[65536];
        for (int n; total <= TestUpstream.HUGE && (n = in.read(buf)) > 0; ) {
            total += n;
        }
        assertTrue(total > TestUpstream.HUGE, where + "the slow client still gets everything: " + total);
    }

    @Test
    void afterSwitchingProtocolsTheConnectionIsRelayedAsBytesEvenWithRewriteRules() throws Exception {
        // A stand-in for a WebSocket server: 101, a greeting in the same write, then it echoes in upper case.
        try (ServerSocket echo = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = echo.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    readHead(in);
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: shout\r\nConnection: Upgrade\r\n\r\n"
                            + "ready, fluffy tail\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] buf = new byte[1024];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        for (int i = 0; i < n; i++) {
                            buf[i] = buf[i] >= 'a' && buf[i] <= 'z' ? (byte) (buf[i] - 32) : buf[i];
                        }
                        out.write(buf, 0, n);
                    }
                } catch (Exception ignored) {
                    // the test fails on what the client got
                }
            });
            t.setDaemon(true);
            t.start();
            proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, new HostAndPort("127.0.0.1",
                    echo.getLocalPort())).withRules(SQUIRREL), recorder);
            try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write("GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: shout\r\nConnection: Upgrade\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertTrue(readHead(in).startsWith("HTTP/1.1 101 "));
                // Not HTTP any more: relayed untouched both ways (the body rule does not apply), not refused as a bad
                // request.
                assertEquals("ready, fluffy tail\n", readLine(in));
                out.write("GET is just a word here\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("GET IS JUST A WORD HERE\n", readLine(in));
                out.write("\u0081\u0005hello\n".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("\u0081\u0005HELLO\n", readLine(in));
            }
            assertTrue(recorder.all(UpstreamFailure.class).isEmpty(), recorder.describe());
        }
    }

    /** Reads an HTTP head up to its blank line, byte by byte so nothing after it is consumed. */
    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            line.append((char) b);
            if (b == '\n') {
                break;
            }
        }
        return line.toString();
    }

    @Test
    void silentConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort())
                .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5)), recorder);
        try (Socket silent = new Socket("127.0.0.1", proxy.address().getPort())) {
            silent.setSoTimeout(5_000);
            long start = System.nanoTime();
            assertEquals(-1, silent.getInputStream().read(), "a client that says nothing is let go");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 250 && waited < 3_000, "closed after " + waited + " ms");
        }
        try (Socket kept = new Socket("127.0.0.1", proxy.address().getPort())) {
            kept.setSoTimeout(5_000);
            kept.getOutputStream().write("GET /secret HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = kept.getInputStream();
            StringBuilder got = new StringBuilder();
            while (!got.toString().endsWith(TestUpstream.SECRET)) {
                int c = in.read();
                assertTrue(c >= 0, "closed before the answer: " + got);
                got.append((char) c);
            }
            assertEquals(-1, in.read(), "an exchange followed by silence ends too");
        }
    }

    @Test
    void savedPcapHoldsTheRelayedExchangeForWiresharkAndRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path pcap = dir.resolve("proxy.pcap");
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()).withRules(SQUIRREL)
                .withSave(pcap), recorder);
        assertEquals("squirrel party", get("/secret").body());
        assertEquals("squirrel party", get("/chunked").body());
        recorder.await(HttpResponseSeen.class, 2, r -> true);
        proxy.close();
        analyzer.cli.CommandRun read = analyzer.cli.CommandRun.of("read", pcap.toString(), "--format", "json");
        assertEquals(0, read.code(), read.err());
        assertTrue(read.out().contains("\"http.request.uri\":\"/secret\""), read.out());
        assertTrue(read.out().contains("\"http.file_data\":\"fluffy tail\""), read.out());
        assertTrue(read.out().contains("\"http.request.uri\":\"/chunked\""), read.out());
        assertEquals(2, read.out().split("\"event\":\"http.response\"", -1).length - 1, read.out());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build();
    }

    private URI uri(String path) {
        int port = proxy.config().isForward() ? upstream.port() : proxy.address().getPort();
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String gunzip(byte[] b) throws Exception {
        return new String(new GZIPInputStream(new ByteArrayInputStream(b)).readAllBytes(), StandardCharsets.UTF_8);
    }

    // ---- the same behaviour on every transport: relaying, rewriting, half-closes, backpressure and 502s go
    // through the channel classes the transport supplies; one the machine lacks is refused plainly when asked for.

    @Test
    void autoTakesIoUringThenEpollThenNio() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()), recorder);
        IoTransport expected = IoUring.isAvailable() ? IoTransport.IO_URING
                : Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO;
        assertEquals(expected, proxy.transport());
        assertTrue(exchange("GET /secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false)
                .endsWith(TestUpstream.SECRET));
    }

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void everyAvailableTransportRelaysRewritesHalfClosesAndPushesBack(IoTransport kind) throws Exception {
        if (!available(kind)) {
            ProxyException e = assertThrows(ProxyException.class, () -> InterceptingProxy.start(
                    ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()).withTransport(kind), recorder));
            assertTrue(e.getMessage().startsWith(kind.label() + " is not available on this machine: "), e.getMessage());
            return;
        }
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()).withTransport(kind)
                .withRules(SQUIRREL), recorder);
        assertEquals(kind, proxy.transport());

        // Two requests on one connection, the second after the client has shut its side: both answered, rewritten.
        String both = exchange("GET /secret HTTP/1.1\r\nHost: x\r\n\r\nGET /chunked HTTP/1.1\r\nHost: x\r\n\r\n", true);
        assertEquals(2, both.split("squirrel party", -1).length - 1, both);
        recorder.await(HttpResponseSeen.class, 2, r -> TestUpstream.SECRET.equals(
                new String(r.body().shown(), StandardCharsets.UTF_8)));

        // A client that does not read: the proxy stops reading the upstream instead of buffering 256 MiB.
        try (Socket slow = new Socket("127.0.0.1", proxy.address().getPort())) {
            slow.getOutputStream().write("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(500);
            assertPushedBackThenDelivered(slow, kind.label() + ": ");
        }
    }

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void everyAvailableTransportAnswers502ForADeadUpstream(IoTransport kind) throws Exception {
        if (!available(kind)) {
            return; // refusal is the other test's case
        }
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, new HostAndPort("127.0.0.1", deadPort))
                .withTransport(kind), recorder);
        String answer = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n", false);
        assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
        assertTrue(answer.contains("connection refused"), answer);
    }

    // ---- an upstream that closes right after answering (HTTP/1.0 servers, Connection: close)

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void forwardProxyDeliversEveryAnswerOfAnUpstreamThatClosesRightAfter(IoTransport kind, @TempDir Path dir)
            throws Exception {
        if (!available(kind)) {
            return; // refusal is tested above
        }
        proxy = InterceptingProxy.start(ProxyConfig.forward(ANY_PORT).withTransport(kind), recorder);
        String proxyUrl = "http://127.0.0.1:" + proxy.address().getPort();
        try (PythonHttpServer python = PythonHttpServer.start(dir)) {
            String url = "http://127.0.0.1:" + python.port() + "/";
            for (int i = 0; i < 10; i++) {
                Curl closing = Curl.run("-m", "5", "-x", proxyUrl, "-H", "Connection: close", url);
                assertEquals(0, closing.code(), kind.label() + ", request " + i + ": " + closing.err());
                assertEquals(TestUpstream.SECRET, closing.out());
            }
            Curl keepAlive = Curl.run("-m", "5", "-x", proxyUrl, url, url, url);
            assertEquals(0, keepAlive.code(), kind.label() + ": " + keepAlive.err());
            assertEquals(TestUpstream.SECRET.repeat(3), keepAlive.out());
            // A client that reads to the end is let go as soon as its answer is complete, not at the idle timeout:
            // it asked to close, it spoke HTTP/1.0, or the upstream's HTTP/1.0 answer says the connection ends.
            for (String request : new String[] {
                    "GET " + url + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    "GET " + url + " HTTP/1.0\r\nHost: x\r\n\r\n",
                    "GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n"}) {
                String answer = exchange(request, false);
                assertTrue(answer.startsWith("HTTP/1.0 200 ") && answer.endsWith(TestUpstream.SECRET),
                        kind.label() + ": " + answer);
            }
        }
        for (int i = 0; i < 5; i++) {
            Curl closing = Curl.run("-m", "5", "-x", proxyUrl, "-H", "Connection: close",
                    "http://127.0.0.1:" + upstream.port() + "/secret");
            assertEquals(0, closing.code(), kind.label() + ", request " + i + ": " + closing.err());
            assertEquals(TestUpstream.SECRET, closing.out());
        }
        String answer = exchange("GET http://127.0.0.1:" + upstream.port() + "/secret HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n", false);
        assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith(TestUpstream.SECRET), answer);
    }

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void thousandConcurrentConnectionCloseClientsOfTheForwardProxyAllGetTheirAnswer(IoTransport kind)
            throws Exception {
        if (!available(kind)) {
            return;
        }
        proxy = InterceptingProxy.start(ProxyConfig.forward(ANY_PORT).withTransport(kind), recorder);
        String request = "GET http://127.0.0.1:" + upstream.port() + "/secret HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n";
        assertEquals(1000, concurrentClients(1000, request), kind.label());
    }

    /** Opens {@code n} connections, sends the request on each, and counts the answers read to their end. */
    private int concurrentClients(int n, String request) throws Exception {
        List<Socket> sockets = new ArrayList<>(n);
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        try {
            for (int i = 0; i < n; i++) {
                Socket s = new Socket("127.0.0.1", proxy.address().getPort());
                s.setSoTimeout(20_000);
                sockets.add(s);
            }
            for (Socket s : sockets) {
                s.getOutputStream().write(bytes);
            }
            int ok = 0;
            for (Socket s : sockets) {
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (response.startsWith("HTTP/1.1 200") && response.endsWith(TestUpstream.SECRET)) {
                    ok++;
                }
            }
            return ok;
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    // ---- request smuggling: a request whose length two parsers could read differently is refused, in every mode

    /** Each ambiguous request, with bytes after it that a server reading it another way would take as a request. */
    private static final Map<String, String> AMBIGUOUS = new LinkedHashMap<>();

    static {
        AMBIGUOUS.put("CL.TE", "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n");
        AMBIGUOUS.put("TE.CL", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n1e\r\nGET /smuggled HTTP/1.1\r\nX: \r\n0\r\n\r\n");
        AMBIGUOUS.put("two Content-Lengths", "Content-Length: 8\r\nContent-Length: 7\r\n\r\n12345678GET /smuggled HTTP/1.1\r\n\r\n");
        AMBIGUOUS.put("Content-Length: 8, 7", "Content-Length: 8, 7\r\n\r\n12345678GET /smuggled HTTP/1.1\r\n\r\n");
        AMBIGUOUS.put("folded Transfer-Encoding", "Transfer-Encoding:\r\n chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n");
        AMBIGUOUS.put("bad chunk size", "Transfer-Encoding: chunked\r\n\r\nzz\r\nGET /smuggled HTTP/1.1\r\n\r\n0\r\n\r\n");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> modesOnEveryTransport() {
        List<org.junit.jupiter.params.provider.Arguments> all = new ArrayList<>();
        for (IoTransport kind : new IoTransport[] {IoTransport.IO_URING, IoTransport.EPOLL, IoTransport.NIO}) {
            for (String mode : new String[] {"reverse", "reverse, response rules", "reverse, request rules", "forward"}) {
                all.add(org.junit.jupiter.params.provider.Arguments.of(kind, mode));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @org.junit.jupiter.params.provider.MethodSource("modesOnEveryTransport")
    void ambiguousRequestsGet400AndAreNeverForwarded(IoTransport kind, String mode) throws Exception {
        if (!available(kind)) {
            return;
        }
        try (RecordingUpstream judge = new RecordingUpstream()) {
            ProxyConfig config = switch (mode) {
                case "reverse" -> ProxyConfig.reverse(ANY_PORT, judge.hostAndPort());
                case "reverse, response rules" -> ProxyConfig.reverse(ANY_PORT, judge.hostAndPort()).withRules(SQUIRREL);
                case "reverse, request rules" -> ProxyConfig.reverse(ANY_PORT, judge.hostAndPort()).withRules(
                        new TamperRules(List.of(), List.of(), List.of(BodyReplacement.parse("pay 10=>pay 1000")),
                                List.of()));
                default -> ProxyConfig.forward(ANY_PORT);
            };
            proxy = InterceptingProxy.start(config.withTransport(kind), recorder);
            String target = config.isForward() ? "http://127.0.0.1:" + judge.port() + "/" : "/";
            for (Map.Entry<String, String> attack : AMBIGUOUS.entrySet()) {
                String answer = exchange("POST " + target + " HTTP/1.1\r\nHost: x\r\n" + attack.getValue(), false);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), mode + ", " + attack.getKey() + ": " + answer);
                assertTrue(!answer.contains("HTTP/1.1 200"), mode + ", " + attack.getKey()
                        + ": only the proxy's answer: " + answer);
            }
            // What was attempted still shows: the eavesdropper read each request as far as it parses.
            recorder.await(analyzer.dissect.Event.class, AMBIGUOUS.size(), e -> e.direction() == Direction.CLIENT_TO_SERVER
                    && (e instanceof HttpRequestSeen || e instanceof analyzer.dissect.HttpMalformed));
            // A plain request still goes through, and nothing of the ambiguous ones ever reached the upstream.
            String fine = exchange("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                    + "Connection: close\r\n\r\nhi", false);
            assertTrue(fine.startsWith("HTTP/1.1 200 "), mode + ": " + fine);
            String upstreamGot = String.join("", judge.received());
            assertTrue(upstreamGot.startsWith("POST / HTTP/1.1\r\n") && upstreamGot.endsWith("hi")
                    && upstreamGot.indexOf("POST") == upstreamGot.lastIndexOf("POST"),
                    mode + ": the upstream got more than the plain request: " + upstreamGot);
        }
    }

    private static boolean available(IoTransport kind) {
        return switch (kind) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            default -> true;
        };
    }

    /** Sends {@code requests} on one connection, optionally shuts the output, and reads until the proxy closes. */
    private String exchange(String requests, boolean halfClose) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            if (halfClose) {
                s.shutdownOutput();
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            s.getInputStream().transferTo(got);
            return got.toString(StandardCharsets.US_ASCII);
        }
    }
}
