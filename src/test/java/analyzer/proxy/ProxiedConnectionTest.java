package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.TlsAlert;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import analyzer.pki.ForgedCertificateAuthority;
import analyzer.proxy.ProxiedConnection.ClientState;
import analyzer.proxy.ProxiedConnection.UpstreamState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxied connection as a state machine: events in, commands out, no sockets and no waiting. The same events
 * a Netty channel would give (HTTP objects as the codecs make them, half-closes, writability), the commands
 * recorded as lines. End-to-end behaviour with real clients and servers is ProxyHttpTest's and ProxyTlsTest's.
 */
@ExtendWith(NettyLeaks.class)
class ProxiedConnectionTest {

    private static final HostAndPort UPSTREAM = new HostAndPort("127.0.0.1", 5683);
    private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 8080);
    private static final Flow FLOW = new Flow(1, new Endpoint(InetAddress.getLoopbackAddress(), 40_000),
            new Endpoint(InetAddress.getLoopbackAddress(), 5683));
    private static final TamperRules SQUIRREL = TamperRules.replaceInResponses(
            BodyReplacement.parse("fluffy tail=>squirrel party"));

    @TempDir
    static Path dir;
    private static ForgedCertificateAuthority mitm;

    private final RecordedCommands io = new RecordedCommands();
    private final ProxyReports reports = new ProxyReports();
    private final List<ByteBuf> inputs = new ArrayList<>();
    private ProxiedConnection connection;

    @BeforeAll
    static void makeCa() throws Exception {
        mitm = ForgedCertificateAuthority.loadOrCreate(dir.resolve("mitm"));
    }

    @AfterEach
    void release() {
        io.releaseAll();
        inputs.forEach(b -> b.release(b.refCnt()));
    }

    /** A connection with the proxy's own hooks for this configuration, plus {@code attacks}. */
    private ProxiedConnection start(ProxyConfig config, ProxyHook... attacks) {
        List<ProxyHook> hooks = new ArrayList<>();
        hooks.add(new Eavesdropping(new Dissector(reports::seen, DissectorOptions.defaults()).open(FLOW, 0, 0)));
        TamperRules rules = config.rules();
        if (!rules.isEmpty()) {
            hooks.add(new RuleTampering(FLOW, reports, new MessageRewriter(rules.requestHeaders(), rules.requestBody()),
                    new MessageRewriter(rules.responseHeaders(), rules.responseBody()), config.maxRewriteBody()));
        }
        if (config.tls() == TlsMode.INTERCEPT) {
            hooks.add(new ForgeryVerdict(reports));
        }
        hooks.addAll(List.of(attacks));
        connection = new ProxiedConnection(FLOW, config, hooks.toArray(new ProxyHook[0]), reports, io);
        return connection;
    }

    /** A reverse proxy whose client has sent {@code wire} (seen by the hooks) and spoken HTTP; the upstream is ready. */
    private void reverseHttp(ProxyConfig config) {
        start(config);
        connection.clientSpeaks(ProtocolSniffer.Speaks.HTTP);
        connection.upstreamReady();
        io.take();
    }

    // ---- relaying HTTP

    @Test
    void requestsWaitForTheUpstreamThenGoInOrderAndAnswersComeBack() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM));
        assertEquals(ClientState.SNIFFING, connection.clientState());
        connection.clientSpeaks(ProtocolSniffer.Speaks.HTTP);
        assertEquals(List.of("relay client http", "connect 127.0.0.1:5683 http"), io.take());
        clientSends(get("/secret"), end(), get("/chunked"), end());
        assertEquals(List.of(), io.takeEssential(), "nothing goes before the upstream accepted");
        connection.upstreamReady();
        assertEquals(List.of("write UPSTREAM GET /secret", "write UPSTREAM end", "write UPSTREAM GET /chunked",
                "write UPSTREAM end", "flush UPSTREAM", "read CLIENT on"), io.take());
        upstreamSends(ok(11), end("fluffy tail"));
        connection.upstreamReadComplete();
        assertEquals(List.of("write CLIENT 200", "write CLIENT end fluffy tail", "flush CLIENT"), io.take());
        assertEquals(UpstreamState.READY, connection.upstreamState());
    }

    @Test
    void theEavesdropperSeesTheBytesAsTheyCameAndTheProxysOwnAnswers() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientBytes(bytes("GET /secret HTTP/1.1\r\nHost: x\r\n\r\n"));
        connection.upstreamBytes(bytes("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nfluffy tail"));
        HttpRequestSeen request = reports.all(HttpRequestSeen.class).get(0);
        assertEquals("/secret", request.uri());
        assertEquals("fluffy tail", new String(reports.all(analyzer.dissect.HttpResponseSeen.class).get(0).body()
                .shown(), StandardCharsets.UTF_8));
    }

    @Test
    void ruleTamperingRewritesTheWholeBodyAndReportsIt() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM).withRules(SQUIRREL));
        clientSends(get("/secret"), end());
        io.take();
        upstreamSends(ok(11), body("fluffy "));
        assertEquals(List.of(), io.takeEssential(), "the head waits for the whole body");
        upstreamSends(end("tail"));
        assertEquals(List.of("write CLIENT 200", "write CLIENT body squirrel party", "write CLIENT end"),
                io.takeEssential());
        assertEquals("14", ((HttpResponse) io.toClient.get(0)).headers().get("Content-Length"));
        Tampering t = reports.all(Tampering.class).get(0);
        assertEquals("GET /secret", t.exchange());
        assertEquals("fluffy tail", t.before());
    }

    @Test
    void aBodyOverTheRewriteLimitGoesOnUnmodifiedAndSaysSo() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM).withRules(SQUIRREL).withMaxRewriteBody(10));
        clientSends(get("/big"), end());
        io.take();
        upstreamSends(ok(22), body("fluffy tail"), end("fluffy tail"));
        assertEquals(List.of("write CLIENT 200", "write CLIENT body fluffy tail", "write CLIENT end fluffy tail"),
                io.takeEssential());
        assertTrue(reports.all(TamperSkipped.class).get(0).reason().contains("10 bytes"));
    }

    @Test
    void requestRulesRewriteHeadersAndBodyAndAnswer100ContinueThemselves() {
        TamperRules rules = new TamperRules(List.of(), List.of(), List.of(BodyReplacement.parse("pay 10=>pay 1000")),
                List.of(HeaderRule.set("X-Test", "yes")));
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM).withRules(rules));
        HttpRequest post = request(HttpMethod.POST, "/pay", "Expect: 100-continue", "Content-Length: 6");
        clientSends(post);
        assertEquals(List.of("answer 100 Continue"), io.takeEssential());
        clientSends(end("pay 10"));
        assertEquals(List.of("write UPSTREAM POST /pay", "write UPSTREAM body pay 1000", "write UPSTREAM end"),
                io.takeEssential());
        assertTrue(!post.headers().contains("Expect"));
        assertEquals("yes", post.headers().get("X-Test"));
        assertEquals("8", post.headers().get("Content-Length"), "framed for the new body");
        assertEquals(List.of("request header X-Test", "request body"), reports.all(Tampering.class).stream()
                .map(Tampering::part).toList());
    }

    @Test
    void aNewAttackIsAHookOnTheConnection() {
        ProxyHook stamp = new ProxyHook() {
            @Override
            public boolean head(Direction direction, HttpMessage head, String exchange) {
                if (direction == Direction.SERVER_TO_CLIENT) {
                    head.headers().set("X-Owned", "by " + exchange);
                }
                return false;
            }
        };
        start(ProxyConfig.reverse(LISTEN, UPSTREAM), stamp);
        connection.clientSpeaks(ProtocolSniffer.Speaks.HTTP);
        connection.upstreamReady();
        clientSends(get("/"), end());
        upstreamSends(ok(0), end());
        assertEquals("by GET /", ((HttpResponse) io.toClient.get(0)).headers().get("X-Owned"));
    }

    // ---- the end of a connection (issue: answers lost when the upstream closes right after)

    @Test
    void anUpstreamThatClosesRightAfterItsAnswerHasItDeliveredThenTheClientLetGo() {
        start(ProxyConfig.forward(LISTEN));
        clientSends(request(HttpMethod.GET, "http://127.0.0.1:8000/", "Connection: close"), end());
        assertEquals(List.of("connect 127.0.0.1:8000 http"), io.takeEssential());
        connection.upstreamReady();
        upstreamSends(response(HttpVersion.HTTP_1_0, 200, "Content-Length: 11"), end("fluffy tail"));
        // No read-complete from the upstream before it is gone (io_uring delivers data and close together).
        assertEquals(List.of("write UPSTREAM GET /", "write UPSTREAM end", "write CLIENT 200",
                "write CLIENT end fluffy tail", "retire upstream", "close CLIENT"), io.takeEssential());
        connection.upstreamClosed();
        assertEquals(List.of("flush CLIENT"), io.take());
    }

    @Test
    void aForwardProxyLetsTheClientGoAfterAnHttp10AnswerOrABodyThatEndsWithTheConnection() {
        for (String[] headers : new String[][] {{"Content-Length: 2"}, {}}) {
            start(ProxyConfig.forward(LISTEN));
            clientSends(request(HttpMethod.GET, "http://127.0.0.1:8000/"), end());
            connection.upstreamReady();
            upstreamSends(response(headers.length == 0 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0, 200, headers),
                    end("ok"));
            List<String> commands = io.takeEssential();
            assertEquals(List.of("retire upstream", "close CLIENT"), commands.subList(commands.size() - 2,
                    commands.size()), String.join(", ", commands));
            io.releaseAll();
        }
    }

    @Test
    void aKeepAliveUpstreamThatGoesAwayKeepsAForwardProxysClient() {
        start(ProxyConfig.forward(LISTEN));
        clientSends(request(HttpMethod.GET, "http://127.0.0.1:8000/"), end());
        connection.upstreamReady();
        upstreamSends(ok(2), end("ok"));
        io.take();
        connection.upstreamClosed();
        assertEquals(List.of("flush CLIENT", "retire upstream", "read CLIENT on"), io.take());
        clientSends(request(HttpMethod.GET, "http://127.0.0.1:8000/again"), end());
        assertEquals(List.of("connect 127.0.0.1:8000 http"), io.takeEssential());
    }

    @Test
    void requestsAfterOneThatClosesAreNotRelayed() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        clientSends(request(HttpMethod.GET, "/a", "Connection: close"), end(), get("/b"), end());
        assertEquals(List.of("write UPSTREAM GET /a", "write UPSTREAM end"), io.takeEssential());
    }

    @Test
    void halfClosesArePassedOnAndBothEndsCloseTheConnection() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        clientSends(get("/secret"), end());
        connection.clientInputEnded();
        assertEquals(List.of("write UPSTREAM GET /secret", "write UPSTREAM end", "end output UPSTREAM"),
                io.takeEssential());
        upstreamSends(ok(11), end("fluffy tail"));
        connection.upstreamInputEnded();
        assertEquals(List.of("write CLIENT 200", "write CLIENT end fluffy tail", "end output CLIENT", "close CLIENT",
                "close UPSTREAM"), io.takeEssential());
    }

    @Test
    void theIdleTimerClosesBothSides() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.idleTimeout();
        assertEquals(List.of("close CLIENT", "abandon upstream"), io.take());
    }

    @Test
    void whenTheClientGoesTheHooksHearItAndTheUpstreamIsLetGo() {
        List<String> heard = new ArrayList<>();
        start(ProxyConfig.reverse(LISTEN, UPSTREAM), new ProxyHook() {
            @Override
            public void closed() {
                heard.add("closed");
            }
        });
        connection.clientSpeaks(ProtocolSniffer.Speaks.OTHER);
        io.take();
        connection.clientClosed();
        assertEquals(List.of("retire upstream"), io.take());
        assertEquals(List.of("closed"), heard);
        assertEquals(ClientState.CLOSED, connection.clientState());
    }

    // ---- backpressure

    @Test
    void aSideThatCannotKeepUpStopsTheOtherBeingRead() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientWritable(false);
        assertEquals(List.of("read UPSTREAM off", "flush CLIENT"), io.take());
        connection.clientWritable(true);
        assertEquals(List.of("read UPSTREAM on"), io.take());
        connection.upstreamWritable(false);
        assertEquals(List.of("read CLIENT off", "flush UPSTREAM"), io.take());
        connection.upstreamWritable(true);
        assertEquals(List.of("read CLIENT on"), io.take());
    }

    // ---- requests two parsers could read differently (issue: request smuggling)

    @Test
    void anAmbiguousRequestIsAnswered400AndNothingOfItIsRelayed() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        HttpRequest smuggling = request(HttpMethod.POST, "/", "Content-Length: 6", "Transfer-Encoding: chunked");
        smuggling.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(
                "Content-Length are not allowed in HTTP/1.1 messages that contains a Transfer-Encoding header.")));
        connection.clientBytes(bytes("POST / HTTP/1.1\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nG"));
        clientSends(smuggling);
        assertEquals(List.of("read CLIENT off", "flush CLIENT", "answer 400 Bad Request", "close CLIENT"), io.take());
        assertTrue(io.toUpstream.isEmpty());
        assertTrue(new String(io.answers.get(0), StandardCharsets.UTF_8).contains("Transfer-Encoding"));
        // The eavesdropper read what was attempted.
        assertEquals(1, reports.all(HttpMalformed.class).size(), reports.describe());
    }

    @Test
    void the400FollowsTheAnswersToRequestsBeforeIt() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        HttpRequest bad = get("/bad");
        bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("Multiple Content-Length values")));
        clientSends(get("/good"), end(), bad);
        assertEquals(List.of("write UPSTREAM GET /good", "write UPSTREAM end"), io.takeEssential());
        upstreamSends(ok(2), end("ok"));
        assertEquals(List.of("write CLIENT 200", "write CLIENT end ok", "answer 400 Bad Request", "close CLIENT"),
                io.takeEssential());
    }

    @Test
    void aBadChunkSizeDropsTheUpstreamThatGotThePartsBeforeIt() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        LastHttpContent badChunk = new DefaultLastHttpContent();
        badChunk.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("Invalid character in chunk size")));
        clientSends(request(HttpMethod.POST, "/", "Transfer-Encoding: chunked"), badChunk);
        assertEquals(List.of("write UPSTREAM POST /", "abandon upstream", "answer 400 Bad Request", "close CLIENT"),
                io.takeEssential());
    }

    // ---- the upstream failing

    @Test
    void anUnreachableUpstreamIsAnswered502WithTheReason() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientSpeaks(ProtocolSniffer.Speaks.HTTP);
        clientSends(get("/"), end());
        io.take();
        connection.upstreamFailed("connection refused");
        assertEquals(List.of("report upstream failure: connection refused", "retire upstream",
                "answer 502 Bad Gateway", "close CLIENT"), io.take());
        assertTrue(io.failures.get(0).badGateway());
        assertEquals(UpstreamState.FAILED, connection.upstreamState());
    }

    @Test
    void anUpstreamAnsweringGarbageOrNothingIsA502() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientBytes(bytes("GET / HTTP/1.1\r\n\r\n"));
        clientSends(get("/"), end());
        HttpResponse garbage = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.BAD_REQUEST);
        garbage.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("invalid version format: SSH-2.0")));
        upstreamSends(garbage);
        assertTrue(io.failures.get(0).reason().startsWith("its answer is not valid HTTP"));
        assertTrue(io.takeEssential().contains("answer 502 Bad Gateway"));

        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientBytes(bytes("GET / HTTP/1.1\r\n\r\n"));
        clientSends(get("/"), end());
        connection.upstreamClosed();
        assertEquals("it closed the connection without answering", io.failures.get(1).reason());
    }

    @Test
    void anUpstreamFailingMidAnswerEndsTheClientWithoutA502() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM));
        clientSends(get("/"), end());
        connection.upstreamBytes(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfluffy"));
        upstreamSends(ok(100), body("fluffy"));
        io.take();
        connection.upstreamError("Connection reset by peer");
        assertEquals(List.of("close UPSTREAM"), io.take());
        connection.upstreamClosed();
        assertEquals(List.of("flush CLIENT", "retire upstream", "close CLIENT"), io.take());
    }

    // ---- forward mode

    @Test
    void aForwardProxyRefusesOriginFormRequests() {
        start(ProxyConfig.forward(LISTEN));
        clientSends(get("/"));
        assertEquals(List.of("answer 400 Bad Request", "close CLIENT"), io.takeEssential());
        assertTrue(new String(io.answers.get(0), StandardCharsets.UTF_8).contains("forward proxy"));
    }

    @Test
    void pipelinedRequestsToDifferentHostsKeepTheirOrder() {
        start(ProxyConfig.forward(LISTEN));
        clientSends(request(HttpMethod.GET, "http://a:1/x"), end(), request(HttpMethod.GET, "http://b:2/y"), end());
        assertEquals(List.of("connect a:1 http"), io.takeEssential());
        connection.upstreamReady();
        assertEquals(List.of("write UPSTREAM GET /x", "write UPSTREAM end"), io.takeEssential(),
                "the request to b waits for a's answer");
        upstreamSends(ok(1), end("a"));
        assertEquals(List.of("write CLIENT 200", "write CLIENT end a", "retire upstream", "connect b:2 http"),
                io.takeEssential());
        connection.upstreamReady();
        assertEquals(List.of("write UPSTREAM GET /y", "write UPSTREAM end"), io.takeEssential());
    }

    @Test
    void aConnectPassedThroughIsAnsweredOnlyOnceTheTargetAccepts() {
        start(ProxyConfig.forward(LISTEN));
        clientSends(request(HttpMethod.CONNECT, "localhost:8443"), end());
        assertEquals(List.of("relay client bytes after connect", "connect localhost:8443"), io.takeEssential());
        assertEquals(ClientState.TUNNEL_PENDING, connection.clientState());
        connection.upstreamReady();
        assertEquals(List.of("answer 200 Connection established"), io.takeEssential());
        ByteBuf hello = bytes("\u0016\u0003\u0001");
        connection.clientMessage(hello.retain());
        assertEquals(List.of("write UPSTREAM bytes \u0016\u0003\u0001"), io.takeEssential());

        start(ProxyConfig.forward(LISTEN));
        clientSends(request(HttpMethod.CONNECT, "localhost:1"), end());
        connection.upstreamFailed("connection refused");
        assertTrue(io.takeEssential().contains("answer 502 Bad Gateway"));
    }

    @Test
    void aConnectThatIsInterceptedIsAnsweredAndWhatFollowsSniffed() {
        start(ProxyConfig.forward(LISTEN).withIntercept(mitm, UpstreamTrust.insecureTrust()));
        clientSends(request(HttpMethod.CONNECT, "localhost:8443"), end());
        assertEquals(List.of("answer 200 Connection established", "sniff client", "await client silence"),
                io.takeEssential());
        connection.clientSpeaks(ProtocolSniffer.Speaks.TLS);
        assertEquals(List.of("intercept localhost:8443"), io.takeEssential());
    }

    // ---- after 101 Switching Protocols

    @Test
    void after101BothSidesAreRelayedAsBytes() {
        reverseHttp(ProxyConfig.reverse(LISTEN, UPSTREAM).withRules(SQUIRREL));
        clientSends(request(HttpMethod.GET, "/chat", "Upgrade: shout", "Connection: Upgrade"), end());
        io.take();
        upstreamSends(response(HttpVersion.HTTP_1_1, 101, "Upgrade: shout", "Connection: Upgrade"), end());
        assertEquals(List.of("write CLIENT 101", "write CLIENT end", "relay bytes from now on"), io.takeEssential());
        assertEquals(ClientState.BYTES, connection.clientState());
        connection.upstreamMessage(bytes("ready, fluffy tail\n").retain());
        assertEquals(List.of("write CLIENT bytes ready, fluffy tail\n"), io.takeEssential(), "no rule applies");
    }

    // ---- intercepted TLS

    @Test
    void anInterceptedClientThatTakesTheForgeryIsReadAsHttp() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM).withIntercept(mitm, UpstreamTrust.insecureTrust()));
        connection.clientSpeaks(ProtocolSniffer.Speaks.TLS);
        assertEquals(List.of("intercept 127.0.0.1:5683"), io.take());
        connection.clientHandshakeDone(new ClientHandshake(FLOW, 0, "localhost", "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                null, false, null));
        assertEquals(List.of("connect 127.0.0.1:5683 tls"), io.take());
        assertEquals("localhost", reports.all(ForgeryAccepted.class).get(0).host());
        connection.decryptedSpeaks(true);
        assertEquals(List.of("relay client http", "relay upstream http"), io.take());
        assertEquals(ClientState.HTTP, connection.clientState());
    }

    @Test
    void aPinnedClientRejectingTheForgeryIsReportedWithItsAlert() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM).withIntercept(mitm, UpstreamTrust.insecureTrust()));
        connection.clientSpeaks(ProtocolSniffer.Speaks.TLS);
        io.take();
        connection.clientHandshakeDone(new ClientHandshake(FLOW, 0, "localhost", null, null, new TlsAlert(2, 48),
                false, new SSLHandshakeException("Received fatal alert: unknown_ca")));
        assertEquals(List.of("close CLIENT"), io.take());
        ForgeryRejected rejected = reports.all(ForgeryRejected.class).get(0);
        assertEquals("unknown_ca", rejected.alert());
        assertEquals(ForgeryRejected.Evidence.ALERT_IN_CLEAR, rejected.evidence());
    }

    @Test
    void aDecryptedStreamThatIsNotHttpOrWhoseServerSpeaksFirstIsRelayedAsBytes() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM).withIntercept(mitm, UpstreamTrust.insecureTrust()));
        connection.clientSpeaks(ProtocolSniffer.Speaks.TLS);
        connection.clientHandshakeDone(new ClientHandshake(FLOW, 0, "mail", "TLSv1.3", "x", null, false, null));
        connection.upstreamReady();
        connection.upstreamBytes(bytes("* OK IMAP4rev1 ready\r\n"));
        io.take();
        connection.decryptedSpeaks(true);
        assertEquals(List.of(), io.take());
        assertEquals(ClientState.BYTES, connection.clientState());
    }

    // ---- protocols whose server speaks first (SMTP, IMAP, POP3, FTP, telnet): their client waits for a greeting

    @Test
    void aSilentClientOfAReverseProxyGetsTheUpstreamsGreetingAndIsRelayedAsBytes() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientConnected();
        assertEquals(List.of("await client silence"), io.take());
        connection.clientSilent();
        assertEquals(List.of("connect 127.0.0.1:5683"), io.takeEssential(), "connected, no codec chosen");
        assertEquals(ClientState.SNIFFING, connection.clientState(), "still listening for the client");
        connection.upstreamReady();
        connection.upstreamBytes(bytes("220 mail.example ESMTP\r\n"));
        assertEquals(List.of("relay client bytes"), io.takeEssential());
        assertEquals(ClientState.BYTES, connection.clientState());
        connection.upstreamMessage(bytes("220 mail.example ESMTP\r\n").retain());
        assertEquals(List.of("write CLIENT bytes 220 mail.example ESMTP\r\n"), io.takeEssential());
        connection.clientBytes(bytes("EHLO me\r\n"));
        connection.clientMessage(bytes("EHLO me\r\n").retain());
        assertEquals(List.of("write UPSTREAM bytes EHLO me\r\n"), io.takeEssential());
        List<String> seen = reports.all(analyzer.dissect.session.ProtocolTextSeen.class).stream()
                .map(t -> t.protocol() + " " + t.lines().get(0)).toList();
        assertEquals(List.of("SMTP 220 mail.example ESMTP", "SMTP EHLO me"), seen, "the eavesdropper reads it");
    }

    @Test
    void anHttpClientSlowerThanTheSilenceIsStillParsedAsHttpSoAmbiguousRequestsAreRefused() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientConnected();
        connection.clientSilent();
        io.take();
        connection.clientSpeaks(ProtocolSniffer.Speaks.HTTP);
        assertEquals(List.of("relay client http", "relay upstream http"), io.takeEssential(),
                "the connection made early now speaks HTTP; no second one");
        assertEquals(ClientState.HTTP, connection.clientState());
        connection.upstreamReady();
        clientSends(get("/secret"), end());
        assertEquals(List.of("write UPSTREAM GET /secret", "write UPSTREAM end"), io.takeEssential());
        upstreamSends(ok(0), end());
        io.take();
        HttpRequest smuggled = get("/admin");
        smuggled.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(
                "Content-Length and Transfer-Encoding both present")));
        clientSends(smuggled);
        assertEquals(List.of("answer 400 Bad Request", "close CLIENT"), io.takeEssential());
    }

    @Test
    void aClientThatSpeaksFirstDecidesWhetherOrNotTheUpstreamIsConnectedYet() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientConnected();
        connection.clientSilent();
        io.take();
        connection.clientSpeaks(ProtocolSniffer.Speaks.OTHER);
        assertEquals(List.of("relay client bytes"), io.takeEssential(), "already connecting");
        assertEquals(ClientState.BYTES, connection.clientState());

        start(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientConnected();
        io.take();
        connection.clientSpeaks(ProtocolSniffer.Speaks.HTTP);
        assertEquals(List.of("relay client http", "connect 127.0.0.1:5683 http"), io.takeEssential());
        connection.clientSilent();
        assertEquals(List.of(), io.take(), "a silence after the client spoke means nothing");
        connection.upstreamReady();
        connection.upstreamBytes(bytes("HTTP/1.1 200 OK\r\n"));
        assertEquals(ClientState.HTTP, connection.clientState(), "an answer is not a greeting");
    }

    @Test
    void aForwardProxyWaitsForTheRequestThatNamesTheTarget() {
        start(ProxyConfig.forward(LISTEN));
        connection.clientConnected();
        connection.clientSilent();
        assertEquals(List.of(), io.take());
        assertEquals(UpstreamState.NONE, connection.upstreamState());
    }

    @Test
    void anUnreachableUpstreamFoundEarlyIsA502ForHttpAndAClosedConnectionForASilentClient() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientConnected();
        connection.clientSilent();
        io.take();
        connection.upstreamFailed("connection refused");
        assertEquals(List.of("retire upstream", "await client silence"), io.take(),
                "an HTTP client may still speak: it would read a 502");
        assertEquals(List.of(), io.failures);
        connection.clientSpeaks(ProtocolSniffer.Speaks.HTTP);
        assertEquals(List.of("relay client http", "report upstream failure: connection refused",
                "answer 502 Bad Gateway", "close CLIENT"), io.takeEssential());
        assertTrue(io.failures.get(0).badGateway());

        start(ProxyConfig.reverse(LISTEN, UPSTREAM));
        connection.clientConnected();
        connection.clientSilent();
        connection.upstreamFailed("connection refused");
        io.take();
        connection.clientSilent();
        assertEquals(List.of("report upstream failure: connection refused", "close CLIENT"), io.take(),
                "a client waiting for a greeting is let go");
        assertTrue(!io.failures.get(1).badGateway());
    }

    @Test
    void anInterceptedClientThatStartsTlsLateGetsAFreshTlsUpstream() {
        start(ProxyConfig.reverse(LISTEN, UPSTREAM).withIntercept(mitm, UpstreamTrust.insecureTrust()));
        connection.clientConnected();
        connection.clientSilent();
        assertEquals(List.of("await client silence", "connect 127.0.0.1:5683"), io.takeEssential());
        connection.clientSpeaks(ProtocolSniffer.Speaks.TLS);
        assertEquals(List.of("abandon upstream", "intercept 127.0.0.1:5683"), io.takeEssential());
        connection.clientHandshakeDone(new ClientHandshake(FLOW, 0, "localhost", "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                null, false, null));
        assertEquals(List.of("connect 127.0.0.1:5683 tls"), io.take());
    }

    @Test
    void aTunnelIsTheSameAfterAnInterceptedConnect() {
        start(ProxyConfig.forward(LISTEN).withIntercept(mitm, UpstreamTrust.insecureTrust()));
        clientSends(request(HttpMethod.CONNECT, "mail.example:25"), end());
        assertEquals(List.of("answer 200 Connection established", "sniff client", "await client silence"),
                io.takeEssential());
        connection.clientSilent();
        assertEquals(List.of("connect mail.example:25"), io.takeEssential());
        connection.upstreamReady();
        connection.upstreamBytes(bytes("220 mail.example ESMTP\r\n"));
        assertEquals(List.of("relay client bytes"), io.takeEssential());
    }

    // ---- building events

    private void clientSends(HttpObject... parts) {
        for (HttpObject part : parts) {
            connection.clientMessage(part);
        }
    }

    private void upstreamSends(HttpObject... parts) {
        for (HttpObject part : parts) {
            connection.upstreamMessage(part);
        }
    }

    private ByteBuf bytes(String text) {
        ByteBuf b = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        inputs.add(b);
        return b;
    }

    private static HttpRequest get(String uri) {
        return request(HttpMethod.GET, uri);
    }

    private static HttpRequest request(HttpMethod method, String uri, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        r.headers().set("Host", "x");
        addHeaders(r, headers);
        return r;
    }

    private static HttpResponse ok(int contentLength) {
        return response(HttpVersion.HTTP_1_1, 200, "Content-Length: " + contentLength);
    }

    private static HttpResponse response(HttpVersion version, int code, String... headers) {
        HttpResponse r = new DefaultHttpResponse(version, HttpResponseStatus.valueOf(code));
        addHeaders(r, headers);
        return r;
    }

    private static void addHeaders(HttpMessage m, String... headers) {
        for (String h : headers) {
            int colon = h.indexOf(':');
            m.headers().add(h.substring(0, colon), h.substring(colon + 1).trim());
        }
    }

    private static HttpContent body(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private static LastHttpContent end() {
        return new DefaultLastHttpContent();
    }

    private static LastHttpContent end(String text) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }
}
