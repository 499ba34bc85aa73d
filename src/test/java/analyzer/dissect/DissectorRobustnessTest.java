package analyzer.dissect;

import static analyzer.dissect.Conversation.ascii;
import static analyzer.dissect.Conversation.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import analyzer.flow.Direction;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Damaged and oddly split input never throws, and what is intact still comes out the same. */
@Timeout(60)
class DissectorRobustnessTest {

    private static final byte[] REQUESTS = ascii("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "HEAD /c HTTP/1.1\r\n\r\n");
    private static final byte[] RESPONSES = ascii("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nfluffy tail"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n");

    @Test
    void randomSplitsGiveTheSameEvents() {
        String expected = new Conversation().client(REQUESTS).server(RESPONSES).close().describeAll();
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            Conversation c = new Conversation();
            int requestPos = 0;
            int responsePos = 0;
            // Requests stay ahead of responses, as on the wire.
            while (requestPos < REQUESTS.length || responsePos < RESPONSES.length) {
                if (requestPos < REQUESTS.length && (random.nextBoolean() || requestPos == 0)) {
                    int n = 1 + random.nextInt(Math.min(40, REQUESTS.length - requestPos));
                    c.client(java.util.Arrays.copyOfRange(REQUESTS, requestPos, requestPos + n));
                    requestPos += n;
                } else if (responsePos < RESPONSES.length && requestPos == REQUESTS.length) {
                    int n = 1 + random.nextInt(Math.min(40, RESPONSES.length - responsePos));
                    c.server(java.util.Arrays.copyOfRange(RESPONSES, responsePos, responsePos + n));
                    responsePos += n;
                }
            }
            c.close();
            assertEquals(expected, c.describeAll(), "round " + round);
        }
    }

    @Test
    void damagedBytesNeverThrow() {
        byte[] tls = concat(TlsDissectionTest.clientHelloRecord(), TlsDissectionTest.serverHelloRecord(0x0304),
                TlsDissectionTest.record(21, 0x0303, new byte[] {2, 48}));
        byte[][] inputs = {REQUESTS, RESPONSES, tls};
        Random random = new Random(7);
        for (int round = 0; round < 600; round++) {
            byte[] input = inputs[round % inputs.length].clone();
            int damage = 1 + random.nextInt(8);
            for (int i = 0; i < damage; i++) {
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            Conversation c = new Conversation();
            Direction direction = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            c.inPieces(direction, input, 1 + random.nextInt(64));
            if (random.nextBoolean()) {
                c.gap(direction, 10);
                c.inPieces(direction, input, 1 + random.nextInt(64));
            }
            c.close();
            assertFalse(c.events.isEmpty(), "round " + round);
        }
    }
}
