package analyzer.dissect;

import static analyzer.dissect.Conversation.ascii;
import static analyzer.dissect.Conversation.concat;
import static analyzer.dissect.Conversation.timeOfFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.StandardErrorCapture;
import analyzer.dissect.websocket.WebSocketMessageSeen;
import analyzer.flow.Direction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpDissectionTest {

    private static final String GET = "GET /secret HTTP/1.1\r\nHost: localhost:5683\r\nUser-Agent: curl/7.88.1\r\n"
            + "Accept: */*\r\n\r\n";
    private static final String FLUFFY = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n"
            + "fluffy tail";

    @Test
    void getRequestKeepsMethodTargetVersionAndHeadersInOrder() {
        Conversation c = new Conversation().client(GET);
        HttpRequestSeen r = c.only(HttpRequestSeen.class);
        assertEquals("GET", r.method());
        assertEquals("/secret", r.uri());
        assertEquals("HTTP/1.1", r.version());
        assertEquals(List.of(new HttpHeader("Host", "localhost:5683"), new HttpHeader("User-Agent", "curl/7.88.1"),
                new HttpHeader("Accept", "*/*")), r.headers());
        assertEquals(0, r.body().length());
        assertTrue(r.body().complete());
        assertEquals(Direction.CLIENT_TO_SERVER, r.direction());
        assertEquals(c.flow, r.flow());
        assertEquals("1", r.frames().toString());
        assertEquals(timeOfFrame(1), r.timestampMicros());
    }

    @Test
    void responseWithContentLengthIsPairedWithItsRequest() {
        Conversation c = new Conversation().client(GET).server(FLUFFY);
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertEquals("HTTP/1.1", r.version());
        assertEquals(200, r.code());
        assertEquals("OK", r.phrase());
        assertEquals("fluffy tail", text(r.body()));
        assertEquals(11, r.body().length());
        assertTrue(r.body().text());
        assertTrue(r.body().complete());
        assertFalse(r.body().chunked());
        assertNull(r.body().contentEncoding());
        assertEquals("GET", r.requestMethod());
        assertEquals("/secret", r.requestUri());
        assertEquals(timeOfFrame(1), r.requestTimestampMicros());
        assertEquals(timeOfFrame(2), r.timestampMicros());
        assertEquals("2", r.frames().toString());
        assertEquals(Direction.SERVER_TO_CLIENT, r.direction());
    }

    @Test
    void chunkedBodyIsJoinedAndItsFramesListed() {
        Conversation c = new Conversation().client(GET)
                .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfluff\r\n")
                .server("6\r\ny tail\r\n0\r\n\r\n");
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertEquals("fluffy tail", text(r.body()));
        assertTrue(r.body().chunked());
        assertTrue(r.body().complete());
        assertEquals("2, 3", r.frames().toString());
        assertEquals(timeOfFrame(2), r.timestampMicros());
        assertEquals(new HttpHeader("Transfer-Encoding", "chunked"), r.headers().get(0));
    }

    @Test
    void gzipBodyIsDecodedForDisplayAndTheEncodingNamed() throws IOException {
        byte[] plain = ascii("fluffy tail ".repeat(50));
        byte[] gz = gzip(plain);
        Conversation c = new Conversation().client(GET).server(concat(ascii(
                "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.length + "\r\n\r\n"), gz));
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertEquals("gzip", r.body().contentEncoding());
        assertEquals(plain.length, r.body().length());
        assertArrayEquals(plain, r.body().shown());
        assertTrue(r.body().text());
        // the headers are those on the wire, not those after decoding
        assertTrue(r.headers().contains(new HttpHeader("Content-Encoding", "gzip")), r.headers().toString());
        assertTrue(r.headers().contains(new HttpHeader("Content-Length", String.valueOf(gz.length))));
    }

    @Test
    void chunkedGzipAndDeflateBodiesAreDecoded() throws IOException {
        byte[] gz = gzip(ascii("fluffy tail"));
        byte[] deflated = deflate(ascii("squirrel party"));
        Conversation c = new Conversation().client(GET).client(GET)
                .server(concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(gz.length) + "\r\n"), gz, ascii("\r\n0\r\n\r\n")))
                .server(concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: "
                        + deflated.length + "\r\n\r\n"), deflated));
        List<HttpResponseSeen> rs = c.all(HttpResponseSeen.class);
        assertEquals(2, rs.size(), c.describeAll());
        assertEquals("fluffy tail", text(rs.get(0).body()));
        assertEquals("gzip", rs.get(0).body().contentEncoding());
        assertTrue(rs.get(0).body().chunked());
        assertEquals("squirrel party", text(rs.get(1).body()));
        assertEquals("deflate", rs.get(1).body().contentEncoding());
    }

    @Test
    void brotliBodiesAreDecodedWhateverTheFraming() {
        byte[] br = BrotliCli.compress(ascii("the secret is fluffy tail\n".repeat(100)));
        Conversation c = new Conversation().client(GET).client(GET)
                .server(concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: " + br.length
                        + "\r\n\r\n"), br))
                .server(concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nTransfer-Encoding: chunked\r\n\r\n"),
                        chunks(br, 7), ascii("0\r\n\r\n")));
        List<HttpResponseSeen> rs = c.all(HttpResponseSeen.class);
        assertEquals(2, rs.size(), c.describeAll());
        for (HttpResponseSeen r : rs) {
            assertEquals("the secret is fluffy tail\n".repeat(100), text(r.body()));
            assertEquals("br", r.body().contentEncoding());
            assertTrue(r.body().complete());
        }
        assertTrue(c.all(HttpMalformed.class).isEmpty(), c.describeAll());
    }

    @Test
    void corruptGzipIsReportedAndTheNextResponseStillParsed() throws IOException {
        byte[] gz = gzip(ascii("fluffy tail ".repeat(100)));
        for (int i = 10; i < gz.length - 8; i++) {
            gz[i] ^= 0x5a;
        }
        Conversation c = new Conversation().client(GET).client(GET)
                .server(concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.length
                        + "\r\n\r\n"), gz))
                .server(FLUFFY);
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(2, responses.size(), c.describeAll());
        assertFalse(responses.get(0).body().complete());
        assertTrue(c.only(HttpMalformed.class).reason().startsWith("gzip content could not be decoded: "),
                c.describeAll());
        assertEquals("fluffy tail", text(responses.get(1).body()));
    }

    /**
     * Netty's EmbeddedChannel logs every exception after the first with its stack trace ("More than one exception
     * was raised"): each kind of damage must come out as an event, with nothing written to standard error.
     */
    @Test
    void corruptCompressedBodiesAreEventsWithNothingLogged() throws IOException {
        byte[] good = gzip(ascii("fluffy tail ".repeat(1000)));
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 8] ^= 1;
        byte[] badMiddle = good.clone();
        badMiddle[badMiddle.length / 2] ^= (byte) 0xff;
        byte[] badHeader = good.clone();
        badHeader[3] = (byte) 0xff;
        byte[] badDeflate = deflate(ascii("squirrel party ".repeat(1000)));
        badDeflate[badDeflate.length / 2] ^= (byte) 0xff;
        record Damage(String name, String coding, byte[] body) { }
        for (Damage d : List.of(new Damage("crc", "gzip", badCrc), new Damage("middle", "gzip", badMiddle),
                new Damage("header", "gzip", badHeader), new Damage("deflate", "deflate", badDeflate))) {
            for (boolean chunked : new boolean[] {false, true}) {
                byte[] response = chunked
                        ? concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: " + d.coding()
                                + "\r\nTransfer-Encoding: chunked\r\n\r\n"), chunks(d.body(), 100), ascii("0\r\n\r\n"))
                        : concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: " + d.coding() + "\r\nContent-Length: "
                                + d.body().length + "\r\n\r\n"), d.body());
                String what = d.name() + (chunked ? ", chunked" : "");
                Conversation[] c = new Conversation[1];
                String logged = StandardErrorCapture.during(() -> c[0] = new Conversation().client(GET).client(GET)
                        .client(GET).server(response).server(response).server(FLUFFY).close());
                assertEquals("", logged, what);
                assertFalse(c[0].all(HttpMalformed.class).isEmpty(), what + ": " + c[0].describeAll());
            }
        }
    }

    /** 256 MiB of zeros in 256 KiB of gzip, in 64 KiB segments: cut short as malformed, not inflated into the heap. */
    @Test
    void aDecompressionBombIsMalformedNotInflated() throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                gz.write(zeros);
            }
        }
        byte[] bomb = compressed.toByteArray();
        Conversation c = new Conversation().client(GET).inPieces(Direction.SERVER_TO_CLIENT, concat(ascii(
                "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.length + "\r\n\r\n"), bomb),
                64 * 1024);
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertFalse(r.body().complete(), c.describeAll());
        assertTrue(r.body().length() > ContentDecoder.MAX_DECODED && r.body().length() < 2 * ContentDecoder.MAX_DECODED,
                "inflated " + r.body().length());
        assertTrue(c.only(HttpMalformed.class).reason().contains("gzip content decodes to more than 16 MiB"),
                c.describeAll());
    }

    private static byte[] chunks(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += size) {
            int n = Math.min(size, body.length - i);
            out.writeBytes(ascii(Integer.toHexString(n) + "\r\n"));
            out.write(body, i, n);
            out.writeBytes(ascii("\r\n"));
        }
        return out.toByteArray();
    }

    @Test
    void pipelinedRequestsAndResponsesArePairedInOrder() {
        Conversation c = new Conversation()
                .client("GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                        + "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\ntwo");
        List<HttpRequestSeen> requests = c.all(HttpRequestSeen.class);
        assertEquals(List.of("/one", "/two"), requests.stream().map(HttpRequestSeen::uri).toList());
        assertEquals("1", requests.get(1).frames().toString());
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(2, responses.size(), c.describeAll());
        assertEquals("/one", responses.get(0).requestUri());
        assertEquals("one", text(responses.get(0).body()));
        assertEquals(404, responses.get(1).code());
        assertEquals("Not Found", responses.get(1).phrase());
        assertEquals("/two", responses.get(1).requestUri());
        assertEquals("two", text(responses.get(1).body()));
    }

    @Test
    void keepAliveMessagesInSeparateDeliveriesEachGetTheirOwnFrames() {
        Conversation c = new Conversation().client(GET).server(FLUFFY).client(GET).server(FLUFFY);
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(2, responses.size());
        assertEquals("4", responses.get(1).frames().toString());
        assertEquals(timeOfFrame(3), responses.get(1).requestTimestampMicros());
        assertEquals(timeOfFrame(4), responses.get(1).timestampMicros());
    }

    @Test
    void deliveringOneByteAtATimeGivesTheSameEvents() throws IOException {
        byte[] gz = gzip(ascii("fluffy tail"));
        byte[] request = ascii("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + GET);
        byte[] response = concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(gz.length) + "\r\n"), gz, ascii("\r\n0\r\n\r\n" + FLUFFY));
        Conversation whole = new Conversation().client(request).server(response).close();
        Conversation bytewise = new Conversation()
                .inPieces(Direction.CLIENT_TO_SERVER, request, 1)
                .inPieces(Direction.SERVER_TO_CLIENT, response, 1).close();
        assertEquals(4, whole.events.size(), whole.describeAll());
        assertEquals(whole.describeAll(), bytewise.describeAll());

        // Byte by byte, each message lists exactly the frames that carried its bytes.
        List<HttpRequestSeen> requests = bytewise.all(HttpRequestSeen.class);
        int postLength = request.length - GET.length();
        assertEquals(postLength, requests.get(0).frames().size());
        assertEquals(1, requests.get(0).frames().first());
        assertEquals(postLength + 1, requests.get(1).frames().first());
        assertEquals(timeOfFrame(postLength + 1), requests.get(1).timestampMicros());
        assertEquals(GET.length(), requests.get(1).frames().size());
    }

    @Test
    void headAnd204And304ResponsesHaveNoBody() {
        Conversation c = new Conversation()
                .client("HEAD /secret HTTP/1.1\r\nHost: a\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n")
                .client("DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n")
                .server("HTTP/1.1 204 No Content\r\n\r\n")
                .client("GET /cached HTTP/1.1\r\nIf-None-Match: \"abc\"\r\n\r\n")
                .server("HTTP/1.1 304 Not Modified\r\nContent-Length: 11\r\nETag: \"abc\"\r\n\r\n")
                .client("HEAD /chunked HTTP/1.1\r\nHost: a\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                .client(GET).server(FLUFFY);
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(5, responses.size(), c.describeAll());
        // the headers are reported as sent, though Netty drops Transfer-Encoding from a bodiless response
        assertEquals(List.of(new HttpHeader("Transfer-Encoding", "chunked")), responses.get(3).headers());
        assertEquals(0, responses.get(3).body().length());
        responses.remove(3);
        assertEquals("HEAD", responses.get(0).requestMethod());
        assertEquals(0, responses.get(0).body().length());
        assertTrue(responses.get(0).body().complete());
        assertEquals(204, responses.get(1).code());
        assertEquals(0, responses.get(1).body().length());
        assertEquals(304, responses.get(2).code());
        assertEquals(0, responses.get(2).body().length());
        assertEquals("fluffy tail", text(responses.get(3).body()));
        assertEquals("/secret", responses.get(3).requestUri());
        assertTrue(c.all(HttpMalformed.class).isEmpty());
    }

    @Test
    void interim100ContinueIsItsOwnEventAndTheFinalResponsePairsWithTheRequest() {
        Conversation c = new Conversation()
                .client("POST /upload HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n")
                .server("HTTP/1.1 100 Continue\r\n\r\n")
                .client("fluffy tail")
                .server("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(2, responses.size(), c.describeAll());
        assertEquals(100, responses.get(0).code());
        assertEquals(0, responses.get(0).body().length());
        assertEquals(201, responses.get(1).code());
        assertEquals("POST", responses.get(1).requestMethod());
        assertEquals("/upload", responses.get(1).requestUri());
        assertEquals("ok", text(responses.get(1).body()));
        HttpRequestSeen request = c.only(HttpRequestSeen.class);
        assertEquals("fluffy tail", text(request.body()));
        assertEquals("1, 3", request.frames().toString());
    }

    @Test
    void malformedRequestIsReportedAndTheNextRequestStillParsed() {
        Conversation c = new Conversation()
                .client("GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n")
                .client("GET /later HTTP/1.1\r\nHost: a\r\n\r\n");
        HttpMalformed m = c.only(HttpMalformed.class);
        assertFalse(m.reason().isBlank());
        assertEquals("1", m.frames().toString());
        List<HttpRequestSeen> requests = c.all(HttpRequestSeen.class);
        assertEquals(List.of("/next", "/later"), requests.stream().map(HttpRequestSeen::uri).toList(),
                c.describeAll());
        // the bytes between the bad line and the next request are shown raw
        assertTrue(c.events.get(1) instanceof RawDataSeen, c.describeAll());

        // the answer to the broken request does not steal the pairing of the next one
        c.server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").server(FLUFFY);
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertNull(responses.get(0).requestMethod());
        assertEquals(-1, responses.get(0).requestTimestampMicros());
        assertEquals("/next", responses.get(1).requestUri());
    }

    @Test
    void badChunkSizeEndsTheMessageIncompleteAndKeepsItsPairing() {
        Conversation c = new Conversation()
                .client("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
                .server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        HttpRequestSeen request = c.only(HttpRequestSeen.class);
        assertFalse(request.body().complete());
        assertEquals(1, c.all(HttpMalformed.class).size(), c.describeAll());
        assertEquals("/x", c.only(HttpResponseSeen.class).requestUri());
    }

    @Test
    void malformedStatusLineInItsOwnDeliveryThenAValidResponse() {
        Conversation c = new Conversation().client(GET).client(GET)
                .server("HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n")
                .server(FLUFFY);
        assertEquals(1, c.all(HttpMalformed.class).size(), c.describeAll());
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertEquals("fluffy tail", text(r.body()));
    }

    @Test
    void bodyLongerThanMaxBodyIsCutButItsLengthCounted() {
        Conversation c = new Conversation(new DissectorOptions(4, 256)).client(GET).server(FLUFFY);
        HttpBody body = c.only(HttpResponseSeen.class).body();
        assertEquals("fluf", text(body));
        assertEquals(11, body.length());
        assertTrue(body.truncated());
        assertTrue(body.text());
    }

    @Test
    void binaryBodyIsNotText() {
        Conversation c = new Conversation().client(GET)
                .server(concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"), new byte[] {0, 1, (byte) 0xff, 2}));
        HttpBody body = c.only(HttpResponseSeen.class).body();
        assertFalse(body.text());
        assertEquals(4, body.length());
        assertTrue(BodyPreview.looksLikeText("grüße".getBytes(StandardCharsets.UTF_8), false));
        byte[] cutUtf8 = java.util.Arrays.copyOf("grü".getBytes(StandardCharsets.UTF_8), 3);
        assertTrue(BodyPreview.looksLikeText(cutUtf8, true));
        assertFalse(BodyPreview.looksLikeText(cutUtf8, false));
    }

    @Test
    void bodyCutShortByTheEndOfTheConnectionIsReportedIncomplete() {
        Conversation c = new Conversation().client(GET)
                .server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfluffy tail").close();
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertFalse(r.body().complete());
        assertEquals(11, r.body().length());
        assertEquals("fluffy tail", text(r.body()));
    }

    @Test
    void headCutShortByTheEndOfTheConnectionIsReportedNotDropped() {
        Conversation c = new Conversation().client("GET /slow HTTP/1.1\r\nHost: localhost:5683\r\nX-Slow: y")
                .client("yy\r\n").close();
        HttpMalformed m = c.only(HttpMalformed.class);
        assertEquals(Direction.CLIENT_TO_SERVER, m.direction());
        assertTrue(m.reason().contains("ended inside a request head"), m.reason());
        assertEquals("1, 2", m.frames().toString());
        Conversation line = new Conversation().client("GET /slo").close();
        assertTrue(line.only(HttpMalformed.class).reason().contains("request head"), line.describeAll());
        Conversation response = new Conversation().client(GET).server("HTTP/1.1 200 OK\r\nContent-Le").close();
        assertTrue(response.only(HttpMalformed.class).reason().contains("ended inside a response head"),
                response.describeAll());
        assertEquals(1, response.all(HttpRequestSeen.class).size(), response.describeAll());
    }

    @Test
    void controlCharactersBetweenMessagesAreNotAHead() {
        Conversation c = new Conversation().client(GET + "\r\n").server(FLUFFY + "\r\n").close();
        assertTrue(c.all(HttpMalformed.class).isEmpty(), c.describeAll());
        assertEquals(1, c.all(HttpResponseSeen.class).size(), c.describeAll());
    }

    @Test
    void bodyDelimitedByCloseIsCompleteAtClose() {
        Conversation c = new Conversation().client("GET / HTTP/1.0\r\n\r\n")
                .server("HTTP/1.0 200 OK\r\n\r\nfluffy").server(" tail").close();
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertTrue(r.body().complete());
        assertEquals("fluffy tail", text(r.body()));
        assertEquals("2, 3", r.frames().toString());
    }

    @Test
    void connectTunnelIsDetectedAgainInside() {
        byte[] clientHello = TlsDissectionTest.clientHelloRecord();
        Conversation c = new Conversation()
                .client(concat(ascii("CONNECT localhost:5683 HTTP/1.1\r\nHost: localhost:5683\r\n\r\n"), clientHello))
                .server("HTTP/1.1 200 Connection Established\r\n\r\n")
                .server(TlsDissectionTest.serverHelloRecord(0x0304));
        assertEquals("CONNECT", c.only(HttpRequestSeen.class).method());
        HttpResponseSeen established = c.only(HttpResponseSeen.class);
        assertEquals("CONNECT", established.requestMethod());
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        assertEquals(2, records.size(), c.describeAll());
        assertEquals(Direction.CLIENT_TO_SERVER, records.get(0).direction());
        assertEquals("localhost", ((TlsHandshake.ClientHello) records.get(0).handshakes().get(0)).serverName());
        assertEquals(Direction.SERVER_TO_CLIENT, records.get(1).direction());
        assertTrue(c.all(HttpMalformed.class).isEmpty(), c.describeAll());
    }

    @Test
    void afterSwitchingProtocolsBothDirectionsGoToTheUpgradedProtocol() {
        Conversation c = new Conversation()
                .client("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                .server(concat(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n\r\n"), new byte[] {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'}))
                .client(new byte[] {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2});
        HttpResponseSeen switched = c.only(HttpResponseSeen.class);
        assertEquals(101, switched.code());
        assertEquals("/chat", switched.requestUri());
        List<WebSocketMessageSeen> frames = c.all(WebSocketMessageSeen.class);
        assertEquals(2, frames.size(), c.describeAll());
        assertEquals(Direction.SERVER_TO_CLIENT, frames.get(0).direction());
        assertEquals("hello", new String(frames.get(0).preview(), java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(Direction.CLIENT_TO_SERVER, frames.get(1).direction());
        assertEquals("hi", new String(frames.get(1).preview(), java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(c.all(RawDataSeen.class).isEmpty(), c.describeAll());
        assertTrue(c.all(HttpMalformed.class).isEmpty(), c.describeAll());
    }

    @Test
    void gapIsReportedAndTheNextRequestFound() {
        Conversation c = new Conversation().client(GET)
                .client("POST /big HTTP/1.1\r\nContent-Length: 5000\r\n\r\nfirst part")
                .gap(Direction.CLIENT_TO_SERVER, 1000)
                .client(concat(ascii("end of body"), ascii("\r\n" + GET)));
        StreamGap gap = c.only(StreamGap.class);
        assertEquals(1000, gap.missingBytes());
        assertEquals("3", gap.frames().toString());
        List<HttpRequestSeen> requests = c.all(HttpRequestSeen.class);
        assertEquals(3, requests.size(), c.describeAll());
        assertFalse(requests.get(1).body().complete());
        assertEquals("first part", text(requests.get(1).body()));
        assertEquals("/secret", requests.get(2).uri());
    }

    static String text(HttpBody body) {
        return new String(body.shown(), StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }
}
