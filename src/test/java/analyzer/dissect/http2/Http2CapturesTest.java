package analyzer.dissect.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.CapturedEvents;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Event;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.Tshark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 captures made with real peers (src/test/resources/captures/make-captures.sh): nghttp against nghttpd with
 * prior knowledge, against nginx with gzip, and by Upgrade against a python3-h2 server; gRPC between python3-grpcio
 * client and server. Each is compared with what the client sent and with tshark's decoding of the same file.
 */
@Timeout(120)
class Http2CapturesTest {

    private static final Path PRIOR = CapturedEvents.resource("h2c-prior-knowledge.pcap");
    private static final Path GZIP = CapturedEvents.resource("h2c-gzip.pcap");
    private static final Path UPGRADE = CapturedEvents.resource("h2c-upgrade.pcap");
    private static final Path GRPC = CapturedEvents.resource("grpc.pcap");

    @Test
    void priorKnowledgeShowsTheRequestsTheClientSentWithTheirCredentials() throws Exception {
        CapturedEvents c = CapturedEvents.read(PRIOR);
        List<HttpRequestSeen> requests = c.all(HttpRequestSeen.class);
        assertEquals(2, requests.size(), c.events.toString());
        HttpRequestSeen get = requests.get(0);
        assertEquals("GET", get.method());
        assertEquals("/", get.uri());
        assertEquals("HTTP/2", get.version());
        assertEquals("Bearer tok_5ecret", HttpHeader.value(get.headers(), "authorization"));
        assertEquals(13, get.http2().streamId(), "nghttp opens its first request on stream 13");
        HttpRequestSeen post = requests.get(1);
        assertEquals("POST", post.method());
        assertEquals("username=alice&password=wonderland\n", text(post.body().shown()));
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(2, responses.size());
        for (HttpResponseSeen r : responses) {
            assertEquals(200, r.code());
            assertEquals("fluffy tail\n", text(r.body().shown()));
            assertTrue(r.body().complete());
        }
        assertEquals("/", responses.get(0).requestUri(), "paired with its request by stream");
        assertEquals("POST", responses.get(1).requestMethod());
        assertTrue(c.all(RawDataSeen.class).isEmpty(), "nothing left unread");
        assertTrue(c.all(HttpMalformed.class).isEmpty());
    }

    @Test
    void headerValuesAreTheOnesTsharkDecodes() throws Exception {
        for (Path file : List.of(PRIOR, GRPC)) {
            CapturedEvents c = CapturedEvents.read(file);
            int port = c.events.get(0).flow().server().port();
            List<String> theirs = new ArrayList<>();
            for (String[] row : Tshark.fields(file, List.of("-d", "tcp.port==" + port + ",http2", "-Y", "http2.type == 1"),
                    "http2.header.value")) {
                theirs.addAll(List.of(row[0].split("\\|", -1)));
            }
            List<String> ours = new ArrayList<>();
            for (Event e : c.events) {
                if (e instanceof HttpRequestSeen r && r.http2() != null) {
                    values(r.headers(), r.http2(), ours);
                } else if (e instanceof HttpResponseSeen r && r.http2() != null) {
                    values(r.headers(), r.http2(), ours);
                }
            }
            assertEquals(theirs, ours, file.toString());
        }
    }

    @Test
    void gzipBodyIsDecodedToWhatTheServerServed() throws Exception {
        HttpResponseSeen r = CapturedEvents.read(GZIP, new DissectorOptions(1 << 20, 256)).all(HttpResponseSeen.class)
                .get(0);
        assertEquals("gzip", r.body().contentEncoding());
        String served = "squirrel party\n".repeat(200);
        assertEquals(served.length(), r.body().length());
        assertEquals(served, text(r.body().shown()));
        // tshark decodes the content coding too: the same text.
        StringBuilder hex = new StringBuilder();
        for (String[] row : Tshark.fields(GZIP, List.of("-d", "tcp.port==" + r.flow().server().port() + ",http2",
                "-Y", "http2.type == 0"), "http2.data.data")) {
            hex.append(row[0].replace("|", ""));
        }
        assertEquals(served, text(HexFormat.of().parseHex(hex.toString())));
    }

    @Test
    void upgradeFromHttp1PairsStreamOneWithTheUpgradeRequest() throws Exception {
        CapturedEvents c = CapturedEvents.read(UPGRADE);
        List<HttpRequestSeen> requests = c.all(HttpRequestSeen.class);
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(2, requests.size(), c.events.toString());
        HttpRequestSeen upgrade = requests.get(0);
        assertEquals("HTTP/1.1", upgrade.version());
        assertEquals("h2c", HttpHeader.value(upgrade.headers(), "upgrade"));
        assertEquals("Basic YWxpY2U6d29uZGVybGFuZA==", HttpHeader.value(upgrade.headers(), "authorization"));
        assertEquals(101, responses.get(0).code());
        assertNull(responses.get(0).http2());
        HttpResponseSeen first = responses.get(1);
        assertEquals(1, first.http2().streamId());
        assertEquals("/secret", first.requestUri(), "stream 1 answers the HTTP/1.1 request");
        assertEquals("you asked for /secret: fluffy tail\n", text(first.body().shown()));
        HttpRequestSeen second = requests.get(1);
        assertEquals("HTTP/2", second.version());
        assertEquals("/second", second.uri());
        assertEquals("Basic YWxpY2U6d29uZGVybGFuZA==", HttpHeader.value(second.headers(), "authorization"));
        assertEquals("/second", responses.get(2).requestUri());
        assertTrue(c.all(RawDataSeen.class).isEmpty(), c.events.toString());
        // tshark, told the port is HTTP, follows the same upgrade: the same paths and bodies.
        int port = upgrade.flow().server().port();
        List<String> bodies = new ArrayList<>();
        for (String[] row : Tshark.fields(UPGRADE, List.of("-d", "tcp.port==" + port + ",http", "-Y", "http2.type == 0"),
                "http2.data.data")) {
            bodies.add(text(HexFormat.of().parseHex(row[0].replace("|", ""))));
        }
        assertEquals(List.of(text(first.body().shown()), text(responses.get(2).body().shown())), bodies);
    }

    @Test
    void grpcCallsShowServiceMethodMessagesAndStatus() throws Exception {
        CapturedEvents c = CapturedEvents.read(GRPC);
        List<HttpRequestSeen> requests = c.all(HttpRequestSeen.class);
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(3, requests.size());
        assertEquals(3, responses.size());

        GrpcMessages hello = requests.get(0).http2().grpc();
        assertEquals("helloworld.Greeter", hello.service());
        assertEquals("SayHello", hello.method());
        assertEquals(1, hello.count());
        assertArrayEquals(protobufString(1, "world"), hello.messages().get(0).preview(), "what the client sent");
        assertFalse(hello.messages().get(0).compressed());
        assertEquals("Bearer tok_grpc_5ecret", HttpHeader.value(requests.get(0).headers(), "authorization"));
        GrpcMessages reply = responses.get(0).http2().grpc();
        assertEquals(0, reply.status());
        assertArrayEquals(protobufString(1, "Hello world, the secret is fluffy tail"), reply.messages().get(0).preview());

        GrpcMessages features = responses.get(1).http2().grpc();
        assertEquals("ListFeatures", features.method(), "a response knows its call from its request");
        assertEquals(3, features.count());
        assertArrayEquals(protobufString(1, "second feature"), features.messages().get(1).preview());
        assertEquals("0", HttpHeader.value(responses.get(1).http2().trailers(), "grpc-status"));

        GrpcMessages login = requests.get(2).http2().grpc();
        assertArrayEquals(concat(protobufString(1, "alice"), protobufString(2, "wonderland")),
                login.messages().get(0).preview());
        GrpcMessages refused = responses.get(2).http2().grpc();
        assertEquals(16, refused.status());
        assertEquals("UNAUTHENTICATED", GrpcMessages.statusName(refused.status()));
        assertEquals("bad password for alice", refused.statusMessage());
        assertEquals(0, refused.count());

        // tshark's gRPC dissector sees the same message lengths, in the same order.
        int port = requests.get(0).flow().server().port();
        List<String> theirs = new ArrayList<>();
        for (String[] row : Tshark.fields(GRPC, List.of("-d", "tcp.port==" + port + ",http2", "-Y", "grpc"),
                "grpc.message_length")) {
            theirs.addAll(List.of(row[0].split("\\|")));
        }
        List<String> ours = new ArrayList<>();
        List<Event> byLastFrame = new ArrayList<>(c.events);
        for (Event e : byLastFrame) {
            GrpcMessages g = e instanceof HttpRequestSeen r && r.http2() != null ? r.http2().grpc()
                    : e instanceof HttpResponseSeen r && r.http2() != null ? r.http2().grpc() : null;
            if (g != null) {
                g.messages().forEach(m -> ours.add(Long.toString(m.length())));
            }
        }
        assertEquals(theirs, ours);
    }

    private static void values(List<HttpHeader> headers, Http2Stream h2, List<String> into) {
        headers.forEach(h -> into.add(h.value()));
        h2.trailers().forEach(h -> into.add(h.value()));
    }

    static byte[] protobufString(int field, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[]{(byte) (field << 3 | 2), (byte) text.length}, text);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String text(byte[] b) {
        assertNotNull(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
