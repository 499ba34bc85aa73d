package analyzer.dissect.http2;

import static analyzer.dissect.Conversation.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.BrotliCli;
import analyzer.dissect.ContentDecoder;
import analyzer.dissect.Conversation;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.flow.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 bytes built here — frames by hand, header blocks by Netty's HPACK encoder (one per direction, as a peer
 * keeps them) — for what the captures do not show: any split of the bytes, and hostile input kept within bounds.
 */
@Timeout(60)
class Http2DissectorTest {

    static final byte[] PREFACE = Http2Protocol.PREFACE;
    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int SETTINGS = 4;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;

    private final DefaultHttp2HeadersEncoder clientHpack = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersEncoder serverHpack = new DefaultHttp2HeadersEncoder();

    @Test
    void anyWayTheBytesAreSplitGivesTheSameMessages() throws Exception {
        byte[] client = concat(PREFACE, frame(SETTINGS, 0, 0, new byte[0]),
                headers(clientHpack, 1, true, ":method", "GET", ":path", "/a", ":scheme", "http", ":authority", "x"),
                headers(clientHpack, 3, false, ":method", "POST", ":path", "/b", ":scheme", "http", ":authority", "x"),
                frame(DATA, END_STREAM, 3, "posted".getBytes(StandardCharsets.US_ASCII)));
        byte[] server = concat(frame(SETTINGS, 0, 0, new byte[0]),
                headers(serverHpack, 3, false, ":status", "201", "content-type", "text/plain"),
                headers(serverHpack, 1, false, ":status", "200"),
                frame(DATA, END_STREAM, 1, "for a".getBytes(StandardCharsets.US_ASCII)),
                frame(DATA, END_STREAM, 3, "for b".getBytes(StandardCharsets.US_ASCII)));
        String whole = describe(new Conversation().client(client).server(server));
        assertTrue(whole.contains("request CLIENT_TO_SERVER GET /a HTTP/2"), whole);
        assertTrue(whole.contains("response SERVER_TO_CLIENT HTTP/2 201 Created"), whole);
        assertTrue(whole.contains("body(5, for b") && whole.contains("for POST /b"), "paired by stream: " + whole);
        for (int piece : new int[]{1, 2, 7, 9, 10, 100}) {
            Conversation split = new Conversation().inPieces(Direction.CLIENT_TO_SERVER, client, piece)
                    .inPieces(Direction.SERVER_TO_CLIENT, server, piece);
            assertEquals(whole, describe(split), "pieces of " + piece);
        }
    }

    @Test
    void aHeaderBlockThatExpandsPastTheLimitIsMalformedAndTheConnectionGoesOn() throws Exception {
        // One 4 000-byte value put in the table, then referenced 10 000 times: 14 KB on the wire, 40 MB expanded.
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x82); // :method GET
        block.write(0x84); // :path /
        block.write(0x86); // :scheme http
        block.write(0x40); // literal with incremental indexing, new name
        block.write(5);
        block.writeBytes("x-big".getBytes(StandardCharsets.US_ASCII));
        block.write(0x7f); // value length 4000 = 127 + 3873 (HPACK integer, 7-bit prefix)
        int rest = 4000 - 127;
        block.write((rest & 0x7f) | 0x80);
        block.write(rest >> 7);
        block.writeBytes("v".repeat(4000).getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 10_000; i++) {
            block.write(0xbe); // indexed: dynamic table entry 62
        }
        byte[] bomb = frame(HEADERS, END_HEADERS | END_STREAM, 1, block.toByteArray());
        // The table stays in step: a later request that uses it is read.
        byte[] next = frame(HEADERS, END_HEADERS | END_STREAM, 3, new byte[]{(byte) 0x82, (byte) 0x85, (byte) 0x86,
                (byte) 0xbe});
        Conversation c = new Conversation().client(concat(PREFACE, bomb, next));
        HttpMalformed m = c.only(HttpMalformed.class);
        assertTrue(m.reason().contains("stream 1"), m.reason());
        HttpRequestSeen after = c.only(HttpRequestSeen.class);
        assertEquals("/index.html", after.uri());
        assertEquals("v".repeat(4000), HttpHeader.value(after.headers(), "x-big"));
    }

    @Test
    void aFrameClaimingMoreThanTheReceiverAllowsIsMalformedAndTheRestRaw() {
        byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 1};
        Conversation c = new Conversation().client(concat(PREFACE, frame(SETTINGS, 0, 0, new byte[0])))
                .client(huge).client("more bytes that follow");
        HttpMalformed m = c.only(HttpMalformed.class);
        assertTrue(m.reason().contains("16777215 bytes, larger than the 16384"), m.reason());
        List<RawDataSeen> raw = c.all(RawDataSeen.class);
        assertEquals(List.of(9L, 22L), raw.stream().map(RawDataSeen::length).toList(), "from the bad header on");
    }

    @Test
    void theReceiversMaxFrameSizeIsHonoured() throws Exception {
        byte[] allow = frame(SETTINGS, 0, 0, new byte[]{0, 5, 0, 0, (byte) 0x80, 0}); // MAX_FRAME_SIZE 32768
        byte[] big = new byte[30_000];
        Conversation c = new Conversation()
                .server(allow)
                .client(concat(PREFACE, headers(clientHpack, 1, false, ":method", "PUT", ":path", "/up",
                        ":scheme", "http"), frame(DATA, END_STREAM, 1, big)));
        assertEquals(30_000, c.only(HttpRequestSeen.class).body().length());
        assertTrue(c.all(HttpMalformed.class).isEmpty(), c.describeAll());
    }

    @Test
    void streamsLeftOpenAreBoundedAndReportedIncomplete() throws Exception {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        client.writeBytes(PREFACE);
        int streams = Http2StreamDissector.MAX_OPEN_STREAMS + 100;
        for (int i = 0; i < streams; i++) {
            client.writeBytes(headers(clientHpack, 1 + 2 * i, false, ":method", "POST", ":path", "/" + i,
                    ":scheme", "http"));
        }
        Conversation c = new Conversation().client(client.toByteArray());
        List<HttpRequestSeen> early = c.all(HttpRequestSeen.class);
        assertEquals(100, early.size(), "the oldest beyond the bound are reported as they are pushed out");
        assertFalse(early.get(0).body().complete());
        assertEquals("/0", early.get(0).uri());
        c.close();
        assertEquals(streams, c.all(HttpRequestSeen.class).size(), "the rest when the connection ends");
    }

    @Test
    void aBrotliBodyIsDecoded() throws Exception {
        byte[] br = BrotliCli.compress("the secret is fluffy tail".getBytes(StandardCharsets.US_ASCII));
        int half = br.length / 2;
        Conversation c = new Conversation()
                .client(concat(PREFACE, headers(clientHpack, 1, true, ":method", "GET", ":path", "/br")))
                .server(concat(frame(SETTINGS, 0, 0, new byte[0]),
                        headers(serverHpack, 1, false, ":status", "200", "content-encoding", "br"),
                        frame(DATA, 0, 1, java.util.Arrays.copyOfRange(br, 0, half)),
                        frame(DATA, END_STREAM, 1, java.util.Arrays.copyOfRange(br, half, br.length))));
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertEquals("the secret is fluffy tail", new String(r.body().shown(), StandardCharsets.US_ASCII));
        assertEquals("br", r.body().contentEncoding());
        assertTrue(c.all(HttpMalformed.class).isEmpty(), describe(c));
    }

    @Test
    void aGzipBombIsDecodedOnlyUpToTheBound() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 40; i++) {
                gz.write(zeros);
            }
        }
        byte[] bomb = zipped.toByteArray();
        ByteArrayOutputStream server = new ByteArrayOutputStream();
        server.writeBytes(frame(SETTINGS, 0, 0, new byte[0]));
        server.writeBytes(headers(serverHpack, 1, false, ":status", "200", "content-encoding", "gzip"));
        for (int at = 0; at < bomb.length; at += 16_000) {
            int n = Math.min(16_000, bomb.length - at);
            byte[] piece = java.util.Arrays.copyOfRange(bomb, at, at + n);
            server.writeBytes(frame(DATA, at + n == bomb.length ? END_STREAM : 0, 1, piece));
        }
        Conversation c = new Conversation()
                .client(concat(PREFACE, headers(clientHpack, 1, true, ":method", "GET", ":path", "/bomb")))
                .server(server.toByteArray());
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertTrue(r.body().length() > ContentDecoder.MAX_DECODED && r.body().length() < 2 * ContentDecoder.MAX_DECODED,
                "decoded " + r.body().length());
        assertTrue(c.only(HttpMalformed.class).reason().contains("gzip content decodes to more than 16 MiB"),
                c.only(HttpMalformed.class).reason());
    }

    @Test
    void garbageAfterThePrefaceDoesNotStopTheCapture() {
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        Conversation c = new Conversation().client(concat(PREFACE, noise)).server("HTTP/1.1 200 OK\r\n\r\n");
        assertFalse(c.all(HttpMalformed.class).isEmpty(), c.describeAll());
        c.close();
    }

    // ---- bytes

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >> 16);
        f[1] = (byte) (payload.length >> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >> 16);
        f[7] = (byte) (stream >> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    static byte[] headers(DefaultHttp2HeadersEncoder hpack, int stream, boolean endStream, String... nameValues)
            throws Exception {
        Http2Headers h = new DefaultHttp2Headers(false);
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        ByteBuf block = Unpooled.buffer();
        try {
            hpack.encodeHeaders(stream, h, block);
            return frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, ByteBufUtil.getBytes(block));
        } finally {
            block.release();
        }
    }

    private static String describe(Conversation c) {
        c.close();
        StringBuilder sb = new StringBuilder();
        c.events.forEach(e -> sb.append(Conversation.describe(e)).append('\n'));
        return sb.toString();
    }
}
