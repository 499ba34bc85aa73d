package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ProtocolDetectionTest {

    @Test
    void httpOnTheCoapPortIsHttp() {
        Conversation c = new Conversation(DissectorOptions.defaults(), 5683)
                .client("GET / HTTP/1.1\r\nHost: localhost:5683\r\n\r\n");
        assertEquals("GET", c.only(HttpRequestSeen.class).method());
    }

    @Test
    void tlsOnPort80IsTlsAndHttpOn443IsHttp() {
        Conversation tls = new Conversation(DissectorOptions.defaults(), 80).client(TlsDissectionTest.clientHelloRecord());
        assertEquals(1, tls.all(TlsRecordSeen.class).size());
        Conversation http = new Conversation(DissectorOptions.defaults(), 443).client("PUT /x HTTP/1.1\r\n\r\n");
        assertEquals("PUT", http.only(HttpRequestSeen.class).method());
    }

    @Test
    void otherBytesAreRawWithABoundedPreview() {
        byte[] bytes = new byte[1000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        Conversation c = new Conversation(new DissectorOptions(4096, 16)).client("SSH-2.0-OpenSSH_9.2\r\n")
                .server(bytes);
        List<RawDataSeen> raw = c.all(RawDataSeen.class);
        assertEquals(2, raw.size());
        assertEquals(21, raw.get(0).length());
        assertEquals("SSH-2.0-OpenSSH_", new String(raw.get(0).preview()));
        assertEquals(1000, raw.get(1).length());
        assertArrayEquals(Arrays.copyOf(bytes, 16), raw.get(1).preview());
        assertEquals(Direction.SERVER_TO_CLIENT, raw.get(1).direction());
        assertEquals("2", raw.get(1).frames().toString());
    }

    @Test
    void aCaptureThatStartsMidBodyFindsTheNextMessage() {
        Conversation c = new Conversation()
                .server("ffy tail")
                .server("more body\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
                .server("HTTP/1.1 204 No Content\r\n\r\n");
        List<RawDataSeen> raw = c.all(RawDataSeen.class);
        assertEquals(2, raw.size(), c.describeAll());
        assertEquals(8, raw.get(0).length());
        assertEquals(11, raw.get(1).length());
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(2, responses.size(), c.describeAll());
        assertEquals("hi", new String(responses.get(0).body().shown()));
        assertEquals(204, responses.get(1).code());
    }

    @Test
    void aCaptureThatStartsMidTlsRecordPicksUpAtTheNextRecord() {
        Conversation c = new Conversation()
                .client(new byte[] {(byte) 0x9c, 0x41, 0x07, 0x00, 0x2a, 0x3b})
                .client(TlsDissectionTest.record(23, 0x0303, new byte[64]));
        assertEquals(1, c.all(RawDataSeen.class).size(), c.describeAll());
        assertTrue(c.only(TlsRecordSeen.class).encrypted());
    }

    @Test
    void http2PrefaceIsHttp2NotHttp1() {
        Conversation c = new Conversation().client("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").close();
        assertTrue(c.events.isEmpty(), "a preface alone says nothing yet: " + c.describeAll());
        Conversation h1 = new Conversation().client("PRI").client("NT /x HTTP/1.1\r\n\r\n").close();
        assertEquals(3 + 18, h1.all(RawDataSeen.class).stream().mapToLong(RawDataSeen::length).sum(),
                "neither HTTP/1 nor the HTTP/2 preface: " + h1.describeAll());
        assertTrue(h1.all(HttpRequestSeen.class).isEmpty());
    }

    @Test
    void fewFirstBytesWaitForMore() {
        Conversation c = new Conversation().client("GE").client("T /a HTTP/1.1\r\n\r\n");
        HttpRequestSeen r = c.only(HttpRequestSeen.class);
        assertEquals("/a", r.uri());
        assertEquals("1, 2", r.frames().toString());
        assertEquals(Conversation.timeOfFrame(1), r.timestampMicros());

        Conversation tls = new Conversation().client(new byte[] {22, 3}).client(new byte[] {1, 0, 2, 2, 40});
        TlsRecordSeen alert = tls.only(TlsRecordSeen.class);
        assertEquals(22, alert.contentType());
        assertEquals("1, 2", alert.frames().toString());
    }

    @Test
    void aStreamThatEndsBeforeItCouldBeRecognisedIsRaw() {
        Conversation c = new Conversation().client("GE").close();
        RawDataSeen raw = c.only(RawDataSeen.class);
        assertEquals(2, raw.length());
    }

    @Test
    void aResponseSeenWithoutItsRequestIsUnpaired() {
        Conversation c = new Conversation().server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        HttpResponseSeen r = c.only(HttpResponseSeen.class);
        assertNull(r.requestMethod());
        assertNull(r.requestUri());
        assertEquals(-1, r.requestTimestampMicros());
    }

    @Test
    void relayedBytesWithoutFramesCarryNoFrames() {
        List<Event> events = new ArrayList<>();
        InetAddress lo = InetAddress.getLoopbackAddress();
        ConnectionListener l = new Dissector(events::add, DissectorOptions.defaults())
                .open(new Flow(7, new Endpoint(lo, 40000), new Endpoint(lo, 5683)), 0, 5);
        byte[] get = Conversation.ascii("GET / HTTP/1.1\r\n\r\n");
        l.onData(Direction.CLIENT_TO_SERVER, get, 0, get.length, 0, 5);
        l.onClose(ConnectionListener.CloseReason.PROXY, 0, 6);
        assertEquals(1, events.size());
        assertEquals(Frames.NONE, events.get(0).frames());
        assertEquals(5, events.get(0).timestampMicros());
    }
}
