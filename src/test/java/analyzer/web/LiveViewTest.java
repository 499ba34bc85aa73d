package analyzer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.FilePacketSource;
import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import analyzer.flow.ReassemblyLimits;
import analyzer.flow.PacketPipeline;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's side of the page: flows read from real captures, and the bounds that hold under any load. */
class LiveViewTest {

    static void read(Feed feed, String capture) throws Exception {
        try (FilePacketSource source = FilePacketSource.open(Path.of("captures", capture))) {
            PacketPipeline tcp = new PacketPipeline(source.linkType(), new Dissector(feed, DissectorOptions.defaults()),
                    ReassemblyLimits.defaults());
            source.run(tcp);
            tcp.finish();
        }
    }

    static JsonObject batch(LiveView view, LiveView.Cursor cursor) {
        String b = view.batch(cursor);
        return b == null ? null : JsonParser.parseString(b).getAsJsonObject();
    }

    static JsonObject flow(JsonObject batch, String key) {
        for (JsonElement e : batch.getAsJsonArray("flows")) {
            if (e.getAsJsonObject().get("key").getAsString().equals(key)) {
                return e.getAsJsonObject();
            }
        }
        return null;
    }

    static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    @Test
    void plainHttpIsReadableAndTheSecretIsFlaggedWithItsFrame() throws Exception {
        LiveView view = new LiveView("t", 100, List.of("fluffy tail"));
        read(view.feed("wire", "file", false), "http-secret.pcap");
        JsonObject batch = batch(view, new LiveView.Cursor());
        assertTrue(batch.get("reset").getAsBoolean());
        JsonObject get = flow(batch, "1-1");
        assertEquals("HTTP", get.get("proto").getAsString());
        assertEquals("GET /", get.get("summary").getAsString());
        assertEquals("200 OK", get.get("status").getAsString());
        assertEquals("wire", get.get("seenBy").getAsString());
        assertEquals(List.of("readable", "secret"), strings(get.getAsJsonArray("flags")));
        assertNull(get.get("pending"), "a file's time stamps are not a latency");
        JsonObject login = flow(batch, "1-2");
        assertTrue(strings(login.getAsJsonArray("flags")).contains("credentials"), login.toString());

        JsonObject detail = JsonParser.parseString(new String(view.detail("1-1"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        List<String> evidence = strings(detail.getAsJsonArray("evidence"));
        assertTrue(evidence.contains("readable by anyone on the path"), evidence.toString());
        assertTrue(evidence.stream().anyMatch(l -> l.startsWith("the secret \"fluffy tail\" in clear (frame")),
                evidence.toString());
        JsonArray events = detail.getAsJsonArray("events");
        assertEquals("http.request", events.get(0).getAsJsonObject().get("event").getAsString());
        JsonObject response = events.get(1).getAsJsonObject();
        assertEquals("fluffy tail", response.get("http.file_data").getAsString().strip());
        assertFalse(response.getAsJsonArray("frame.number").isEmpty());

        List<String> loginEvidence = strings(JsonParser.parseString(new String(view.detail("1-2"),
                StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonArray("evidence"));
        assertTrue(loginEvidence.stream().anyMatch(l -> l.startsWith("credentials in clear: password=wond… in the form (POST /login, frame")),
                loginEvidence.toString());
    }

    @Test
    void tlsIsEncryptedAndARejectedCertificateIsFlagged() throws Exception {
        LiveView view = new LiveView("t", 100, List.of("fluffy tail"));
        read(view.feed("wire", "file", false), "https-secret.pcap");
        JsonObject batch = batch(view, new LiveView.Cursor());
        JsonObject trusted = flow(batch, "1-1");
        assertEquals("TLS", trusted.get("proto").getAsString());
        assertTrue(trusted.get("summary").getAsString().contains("SNI localhost"), trusted.toString());
        assertEquals(List.of("encrypted"), strings(trusted.getAsJsonArray("flags")));
        JsonObject refused = flow(batch, "1-2");
        assertTrue(strings(refused.getAsJsonArray("flags")).contains("rejected"), refused.toString());
        assertEquals("alert unknown_ca", refused.get("status").getAsString());
        String evidence = new String(view.detail("1-2"), StandardCharsets.UTF_8);
        assertTrue(evidence.contains("the client rejected the server's certificate: alert unknown_ca"), evidence);
    }

    @Test
    void onlyTheLastFlowsAreKeptAndTheDroppedOnesCounted() {
        LiveView view = new LiveView("t", 100, List.of());
        Feed feed = view.feed("wire", "synthetic", true);
        LiveView.Cursor cursor = new LiveView.Cursor();
        for (int i = 1; i <= 50; i++) {
            feed.accept(request(i, "/a"));
        }
        assertEquals(50, batch(view, cursor).getAsJsonArray("flows").size());
        for (int i = 51; i <= 10_000; i++) {
            feed.accept(request(i, "/b"));
        }
        JsonObject next = batch(view, cursor);
        JsonObject stats = next.getAsJsonObject("stats");
        assertEquals(100, stats.get("shown").getAsInt());
        assertEquals(9_900, stats.get("dropped").getAsLong());
        assertEquals(10_000, stats.get("events").getAsLong());
        assertTrue(next.getAsJsonArray("flows").size() <= 100);
        // The page had flows 1-50: it is told they are gone (or starts over).
        assertTrue(next.get("reset").getAsBoolean() || strings(next.getAsJsonArray("removed")).contains("1-1"));
        assertNull(view.batch(cursor), "nothing changed since");
        assertNull(view.detail("1-1"), "a dropped flow is gone");
        assertNotNull(view.detail("1-10000"));
    }

    @Test
    void aPageThatFellFarBehindStartsOverWithEverythingKept() {
        LiveView view = new LiveView("t", 10, List.of());
        Feed feed = view.feed("wire", "synthetic", true);
        LiveView.Cursor cursor = new LiveView.Cursor();
        feed.accept(request(1, "/"));
        batch(view, cursor);
        for (int i = 2; i <= 5_000; i++) {
            feed.accept(request(i, "/"));
        }
        JsonObject next = batch(view, cursor);
        assertTrue(next.get("reset").getAsBoolean(), "the removals it missed are no longer logged");
        assertEquals(10, next.getAsJsonArray("flows").size());
    }

    @Test
    void aLongConnectionKeepsItsFirstAndLatestMessages() {
        LiveView view = new LiveView("t", 10, List.of());
        Feed feed = view.feed("proxy", "synthetic", true);
        for (int i = 0; i < 10_000; i++) {
            feed.accept(request(7, "/" + i));
        }
        JsonObject detail = JsonParser.parseString(new String(view.detail("1-7"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        JsonArray events = detail.getAsJsonArray("events");
        assertEquals(FlowRecord.HEAD_EVENTS + FlowRecord.TAIL_EVENTS + 1, events.size());
        assertEquals("/0", events.get(0).getAsJsonObject().get("http.request.uri").getAsString());
        JsonObject marker = events.get(FlowRecord.HEAD_EVENTS).getAsJsonObject();
        assertEquals("web.not_kept", marker.get("event").getAsString());
        assertEquals(10_000 - FlowRecord.HEAD_EVENTS - FlowRecord.TAIL_EVENTS, marker.get("count").getAsLong());
        assertEquals("/9999", events.get(events.size() - 1).getAsJsonObject().get("http.request.uri").getAsString());
        JsonObject summary = detail.getAsJsonObject("flow");
        assertEquals("GET /0  +9999 more", summary.get("summary").getAsString());
        assertEquals(10_000, summary.get("messages").getAsLong());
    }

    @Test
    void bigMessagesAreBoundedByBytesToo() {
        LiveView view = new LiveView("t", 1000, 2L << 20, List.of(), false);
        Feed feed = view.feed("wire", "synthetic", true);
        byte[] body = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (int i = 1; i <= 200; i++) {
            feed.accept(new HttpRequestSeen(flow(i), Direction.CLIENT_TO_SERVER, 1_000_000L * i, Frames.of(i), "POST",
                    "/", "HTTP/1.1", List.of(), new HttpBody(body.length, body, true, null, false, true)));
        }
        JsonObject stats = batch(view, new LiveView.Cursor()).getAsJsonObject("stats");
        assertTrue(stats.get("shown").getAsInt() < 40, stats.toString());
        assertEquals(200, stats.get("shown").getAsInt() + stats.get("dropped").getAsInt());
    }

    @Test
    void theSecretIsFoundInHexPayloadsAtByteBoundariesOnly() {
        LiveView view = new LiveView("t", 10, List.of("ab"));
        Feed feed = view.feed("wire", "synthetic", true);
        // "ab" is 6162: found in a payload starting "xab", not in one whose hex merely contains "6162" off by a digit.
        feed.accept(new RawDataSeen(flow(1), Direction.CLIENT_TO_SERVER, 1, Frames.of(1), 3, new byte[] {'x', 'a', 'b'}));
        feed.accept(new RawDataSeen(flow(2), Direction.CLIENT_TO_SERVER, 1, Frames.of(2), 3,
                new byte[] {0x06, 0x16, 0x20}));
        JsonObject batch = batch(view, new LiveView.Cursor());
        assertTrue(strings(flow(batch, "1-1").getAsJsonArray("flags")).contains("secret"));
        assertFalse(strings(flow(batch, "1-2").getAsJsonArray("flags")).contains("secret"));
    }

    @Test
    void anEventOfAProtocolThePageDoesNotKnowStillShowsAndIsFlagged() {
        FlowRecord record = new FlowRecord(0, new LiveView("t", 10, List.of()).feed("wire", "w", true), flow(3), 1);
        byte[] json = ("{\"event\":\"dns.query\",\"flow\":3,\"dns.qry.name\":\"example.com\","
                + "\"analyzer.leaks\":[{\"kind\":\"credentials\",\"detail\":\"x\"}],\"quic.decrypted\":true}")
                .getBytes(StandardCharsets.UTF_8);
        record.add(new Object(), 1, json, List.of());
        assertEquals("DNS", record.protocolLabel());
        assertEquals("dns.query", record.summary());
        assertTrue(record.has(Flag.CREDENTIALS));
        assertTrue(record.has(Flag.DECRYPTED));
        assertFalse(record.has(Flag.ENCRYPTED));
    }

    @Test
    void aMessageFromADecryptedStreamIsDecryptedNotReadableOnTheWire() {
        FlowRecord record = new FlowRecord(0, new LiveView("t", 10, List.of()).feed("wire", "w", true), flow(4), 1);
        HttpRequestSeen login = new HttpRequestSeen(flow(4), Direction.CLIENT_TO_SERVER, 1, Frames.of(9), "GET", "/",
                "HTTP/1.1", List.of(new HttpHeader("Authorization", "Basic YWxpY2U6d29uZGVybGFuZA==")), HttpBody.EMPTY);
        byte[] json = ("{\"event\":\"http.request\",\"flow\":4,\"tls.decrypted\":true}").getBytes(StandardCharsets.UTF_8);
        record.add(login, 1, json, List.of("wonderland"));
        assertTrue(record.has(Flag.DECRYPTED));
        assertFalse(record.has(Flag.READABLE), "only whoever holds the keys read it");
        assertTrue(record.has(Flag.CREDENTIALS));
        assertTrue(record.evidence().stream().anyMatch(l -> l.startsWith("credentials inside TLS: Authorization")),
                record.evidence().toString());
        assertTrue(record.evidence().stream().anyMatch(l -> l.startsWith("the secret \"wonderland\" inside TLS")),
                record.evidence().toString());
    }

    @Test
    void aLiveFlowSaysSinceWhenItWaitsToBeShown() {
        LiveView view = new LiveView("t", 10, List.of());
        Feed feed = view.feed("wire", "live", true);
        feed.accept(request(1, "/"));
        LiveView.Cursor cursor = new LiveView.Cursor();
        assertEquals(1_000_000L, flow(batch(view, cursor), "1-1").get("pending").getAsLong());
        feed.accept(request(1, "/again"));
        feed.accept(request(1, "/and-again"));
        // The oldest of the events not yet shown: what a row's latency is measured from.
        assertEquals(1_000_000L, flow(batch(view, cursor), "1-1").get("pending").getAsLong());
    }

    static Flow flow(int id) {
        try {
            InetAddress lo = InetAddress.getByName("127.0.0.1");
            return new Flow(id, new Endpoint(lo, 40000 + id % 20000), new Endpoint(lo, 5683));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static HttpRequestSeen request(int flowId, String uri) {
        return new HttpRequestSeen(flow(flowId), Direction.CLIENT_TO_SERVER, 1_000_000L, Frames.of(flowId), "GET", uri,
                "HTTP/1.1", List.of(new HttpHeader("Host", "127.0.0.1:5683")), HttpBody.EMPTY);
    }
}
