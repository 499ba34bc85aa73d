package analyzer.dissect;

import static analyzer.dissect.Conversation.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plain messages are read without the codec; everything else goes to it. Both paths must give the same events,
 * for messages at the edge of what the direct path accepts as much as for plain ones.
 */
class PlainHttpMessageTest {

    private static final String[] REQUESTS = {
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:5683\r\n\r\n",
        "GET /a?b=c&d=%20e HTTP/1.0\r\nHost: x\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
        "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 27\r\n\r\nuser=alice&password=wonder1",
        "PUT /x HTTP/1.1\r\ncontent-length: 0\r\nX-Odd-Token!#$%&'*+.^_`|~: v\r\n\r\n",
        "DELETE /{weird}|\"chars\" HTTP/1.1\r\nHost:x\r\nCookie: session=7f3a9c; theme=dark\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWxpY2U6d29uZGVy\r\n\r\n",
        // at or past the edge: the codec decides
        "GET / HTTP/1.1\r\nHost: x \r\n\r\n",
        "GET / HTTP/1.1\r\nHost:  x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost:\tx\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Empty:\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Folded: a\r\n b\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
        "get / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n\n",
        "POST / HTTP/1.1\r\nContent-Length: 05\r\n\r\nhello",
        "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
        "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHo st: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: caf\u00e9\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    };

    private static final String[] RESPONSES = {
        "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 30 Nov 2026 03:34:56 GMT\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 11\r\nConnection: keep-alive\r\n\r\nfluffy tail",
        "HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
        "HTTP/1.1 500 Internal  Server Error\r\ncontent-length: 0\r\nSet-Cookie: session=abcdef; HttpOnly\r\n\r\n",
        "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\n\u0000\u0001\u0002\u0003",
        // at or past the edge: the codec decides
        "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 11\r\n\r\n",
        "HTTP/1.1 200 OK \r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nX-Bad: \u0001\r\nContent-Length: 2\r\n\r\nok",
    };

    @Test
    void directAndCodecPathsGiveTheSameEvents() {
        StringBuilder requests = new StringBuilder();
        StringBuilder responses = new StringBuilder();
        for (String r : REQUESTS) {
            requests.append(r);
        }
        // One response per request, in order, so pairing (and HEAD's bodiless answer) is exercised as well.
        for (int i = 0; i < REQUESTS.length; i++) {
            responses.append(RESPONSES[i % RESPONSES.length]);
        }
        for (String request : REQUESTS) {
            for (String response : RESPONSES) {
                compare(request + request, response + response);
            }
        }
        compare(requests.toString(), responses.toString());
    }

    @Test
    void pipelinedPlainMessagesInOneDeliveryKeepTheirOrderPairingAndFrames() {
        String get = REQUESTS[0];
        String ok = RESPONSES[0];
        Conversation c = new Conversation().client(get + get + get.substring(0, 10)).client(get.substring(10))
                .server(ok + ok).server(ok);
        List<HttpRequestSeen> requests = c.all(HttpRequestSeen.class);
        List<HttpResponseSeen> responses = c.all(HttpResponseSeen.class);
        assertEquals(3, requests.size(), c.describeAll());
        assertEquals(3, responses.size(), c.describeAll());
        assertEquals("1", requests.get(1).frames().toString());
        assertEquals("1, 2", requests.get(2).frames().toString());
        assertEquals("4", responses.get(2).frames().toString());
        assertEquals(Conversation.timeOfFrame(1), responses.get(2).requestTimestampMicros());
        assertEquals("fluffy tail", new String(responses.get(2).body().shown()));
    }

    @Test
    void scannerAcceptsPlainMessagesAndLeavesTheRestToTheCodec() {
        PlainHttpMessage m = new PlainHttpMessage();
        for (int i = 0; i < 6; i++) {
            byte[] b = ascii(REQUESTS[i]);
            assertTrue(m.scan(b, 0, b.length, true), REQUESTS[i]);
            assertEquals(b.length, m.end, REQUESTS[i]);
        }
        for (int i = 6; i < REQUESTS.length; i++) {
            byte[] b = ascii(REQUESTS[i]);
            boolean accepted = m.scan(b, 0, b.length, true);
            // HEAD and OPTIONS requests are plain; their responses are what differ.
            assertEquals(REQUESTS[i].startsWith("HEAD") || REQUESTS[i].startsWith("OPTIONS"), accepted, REQUESTS[i]);
        }
        for (int i = 0; i < 4; i++) {
            byte[] b = ascii(RESPONSES[i]);
            assertTrue(m.scan(b, 0, b.length, false), RESPONSES[i]);
        }
        for (int i = 4; i < RESPONSES.length; i++) {
            byte[] b = ascii(RESPONSES[i]);
            assertFalse(m.scan(b, 0, b.length, false), RESPONSES[i]);
        }
        byte[] cut = ascii(RESPONSES[0].substring(0, RESPONSES[0].length() - 1));
        assertFalse(m.scan(cut, 0, cut.length, false), "a body not yet complete");
    }

    /** Whole, and cut in pieces so messages start and end inside deliveries: the events and their frames match. */
    private static void compare(String clientBytes, String serverBytes) {
        byte[] client = ascii(clientBytes);
        byte[] server = ascii(serverBytes);
        for (int piece : new int[] {Integer.MAX_VALUE, 7, 61}) {
            Conversation direct = feed(client, server, piece);
            Conversation codec;
            HttpStreamDissector.plainMessagesDirect = false;
            try {
                codec = feed(client, server, piece);
            } finally {
                HttpStreamDissector.plainMessagesDirect = true;
            }
            String what = "pieces of " + piece + "\n" + clientBytes + "\n" + serverBytes;
            assertEquals(codec.describeAll(), direct.describeAll(), what);
            assertEquals(frames(codec), frames(direct), what);
        }
    }

    private static Conversation feed(byte[] client, byte[] server, int piece) {
        return new Conversation().inPieces(Direction.CLIENT_TO_SERVER, client, Math.min(piece, client.length))
                .inPieces(Direction.SERVER_TO_CLIENT, server, Math.min(piece, server.length)).close();
    }

    private static String frames(Conversation c) {
        StringBuilder sb = new StringBuilder();
        for (Event e : c.events) {
            sb.append(e.frames()).append(" @").append(e.timestampMicros()).append('\n');
        }
        return sb.toString();
    }
}
