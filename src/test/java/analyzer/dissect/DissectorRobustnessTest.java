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

    private static byte[] compressed(boolean gzip, String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream z = gzip ? new java.util.zip.GZIPOutputStream(out)
                : new java.util.zip.DeflaterOutputStream(out)) {
            z.write(ascii(text));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Seeds for damage: compressed and chunked bodies, absurd chunk sizes, huge heads, TLS, text protocols. */
    private static byte[][] seeds() {
        String text = "fluffy tail ".repeat(400);
        byte[] gz = compressed(true, text);
        byte[] deflated = compressed(false, text);
        StringBuilder manyHeaders = new StringBuilder("GET /many HTTP/1.1\r\n");
        for (int i = 0; i < 3000; i++) {
            manyHeaders.append("X-H").append(i).append(": v\r\n");
        }
        manyHeaders.append("\r\n");
        return new byte[][] {
            concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.length + "\r\n\r\n"),
                    gz, RESPONSES),
            concat(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(deflated.length) + "\r\n"), deflated, ascii("\r\n0\r\n\r\n"), RESPONSES),
            ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
            ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\nzz;x=\"\r\n\r\n"),
            ascii("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
                    + "7fffffff\r\n\u001f\u008b\u0008\u0000\r\n"),
            ascii("GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            ascii("GET / HTTP/1.1\r\nX-Big: " + "b".repeat(100_000) + "\r\n\r\n"),
            ascii(manyHeaders.toString()),
            concat(TlsDissectionTest.clientHelloRecord(), TlsDissectionTest.serverHelloRecord(0x0303),
                    TlsDissectionTest.record(22, 0x0303, new byte[] {11, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1}),
                    TlsDissectionTest.record(23, 0x0303, new byte[300])),
            ascii("EHLO x\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nMAIL FROM:<a@b>\r\n"),
            ascii("*3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$999999999\r\nsecret\r\n"),
        };
    }

    /**
     * Each seed damaged in many ways — bytes changed, cut short, a stretch repeated, noise inserted — and split at
     * random: the dissector never throws, no library writes to standard error (where a logged stack trace would
     * go), and what is kept stays bounded.
     */
    @Test
    void damagedInputOfEveryKindIsEventsNotLogs() {
        byte[][] seeds = seeds();
        Random random = new Random(12);
        String logged = analyzer.StandardErrorCapture.during(() -> {
            for (int round = 0; round < 440; round++) {
                byte[] input = damage(seeds[round % seeds.length], random);
                Conversation c = new Conversation();
                Direction direction = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
                if (direction == Direction.SERVER_TO_CLIENT) {
                    c.client(ascii("GET / HTTP/1.1\r\n\r\n"));
                }
                c.inPieces(direction, input, 1 + random.nextInt(random.nextBoolean() ? 64 : 4096));
                c.close();
                for (Event e : c.events) {
                    if (e instanceof HttpRequestSeen r) {
                        assertFalse(r.body().shown().length > DissectorOptions.defaults().maxBody(), "round " + round);
                    }
                    if (e instanceof HttpResponseSeen r) {
                        assertFalse(r.body().shown().length > DissectorOptions.defaults().maxBody(), "round " + round);
                    }
                }
                assertFalse(c.events.size() > input.length + 4, "round " + round + ": " + c.events.size() + " events");
            }
        });
        assertEquals("", logged);
    }

    private static byte[] damage(byte[] seed, Random random) {
        byte[] b = seed.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 1 + random.nextInt(8); i > 0; i--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, 1 + random.nextInt(b.length));
            case 2 -> {
                int from = random.nextInt(b.length);
                int n = random.nextInt(Math.min(500, b.length - from) + 1);
                b = concat(java.util.Arrays.copyOf(b, from + n), java.util.Arrays.copyOfRange(b, from, b.length));
            }
            default -> {
                byte[] noise = new byte[1 + random.nextInt(64)];
                random.nextBytes(noise);
                int at = random.nextInt(b.length);
                b = concat(java.util.Arrays.copyOf(b, at), noise, java.util.Arrays.copyOfRange(b, at, b.length));
            }
        }
        return b;
    }
}
