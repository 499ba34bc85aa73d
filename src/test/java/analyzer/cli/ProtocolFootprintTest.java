package analyzer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the connection table counts for protocols that keep state between frames covers the heap they take:
 * HTTP/2 with a request's headers in its HPACK table and its body half sent, and WebSocket after a 101 with a
 * deflated message half assembled (each measured on 20 000 connections in a JVM of its own).
 */
@Timeout(300)
class ProtocolFootprintTest {

    @Test
    void http2ConnectionsAreCountedAtLeastTheHeapTheyTake() throws Exception {
        ConnectionFloodTest.assertCountedCoversHeap("HTTP/2 preface", ProtocolFirstBytes.http2Preface());
        ConnectionFloodTest.assertCountedCoversHeap("HTTP/2 request half sent",
                ProtocolFirstBytes.http2RequestHalfSent());
    }

    @Test
    void webSocketConnectionsAreCountedAtLeastTheHeapTheyTake() throws Exception {
        ConnectionFloodTest.assertCountedCoversHeap("WebSocket after its 101", ProtocolFirstBytes.webSocketUpgrade(false));
        ConnectionFloodTest.assertCountedCoversHeap("WebSocket deflated message half read",
                ProtocolFirstBytes.webSocketUpgrade(true));
    }
}
