package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every buffer the HTTP codec chain allocates is released: runs the dissection scenarios (complete, incomplete,
 * malformed, compressed, tunnelled), lets the garbage collector find unreleased buffers, and fails on Netty's
 * "LEAK:" report. The last step leaks a buffer on purpose to prove the report would be caught.
 */
@Timeout(60)
class DissectorLeakTest {

    @Test
    void dissectingReleasesEveryBuffer() throws Exception {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            HttpDissectionTest http = new HttpDissectionTest();
            TlsDissectionTest tls = new TlsDissectionTest();
            for (int round = 0; round < 3; round++) {
                http.getRequestKeepsMethodTargetVersionAndHeadersInOrder();
                http.chunkedBodyIsJoinedAndItsFramesListed();
                http.gzipBodyIsDecodedForDisplayAndTheEncodingNamed();
                http.chunkedGzipAndDeflateBodiesAreDecoded();
                http.pipelinedRequestsAndResponsesArePairedInOrder();
                http.deliveringOneByteAtATimeGivesTheSameEvents();
                http.interim100ContinueIsItsOwnEventAndTheFinalResponsePairsWithTheRequest();
                http.malformedRequestIsReportedAndTheNextRequestStillParsed();
                http.malformedStatusLineInItsOwnDeliveryThenAValidResponse();
                http.bodyCutShortByTheEndOfTheConnectionIsReportedIncomplete();
                http.bodyDelimitedByCloseIsCompleteAtClose();
                http.connectTunnelIsDetectedAgainInside();
                http.gapIsReportedAndTheNextRequestFound();
                tls.handshakeSplitAcrossRecordsAndRecordsSplitAcrossDeliveries();
                corruptGzipBodyAndAbandonedCompressedBody();
            }
            provokeLeakReports();
            String log = captured.toString(StandardCharsets.UTF_8);
            assertFalse(log.contains("LEAK:"), log);

            leakOneBufferOnPurpose();
            for (int i = 0; i < 20 && !captured.toString(StandardCharsets.UTF_8).contains("LEAK:"); i++) {
                provokeLeakReports();
            }
            assertTrue(captured.toString(StandardCharsets.UTF_8).contains("LEAK:"),
                    "a deliberate leak was not reported, so the check above proves nothing");
        } finally {
            System.setErr(originalErr);
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void corruptGzipBodyAndAbandonedCompressedBody() throws Exception {
        byte[] gz = HttpDissectionTest.gzip(Conversation.ascii("fluffy tail ".repeat(100)));
        byte[] corrupt = gz.clone();
        for (int i = 10; i < corrupt.length - 8; i++) {
            corrupt[i] ^= 0x5a;
        }
        Conversation c = new Conversation().client("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n")
                .server(Conversation.concat(Conversation.ascii(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + corrupt.length + "\r\n\r\n"),
                        corrupt))
                .server(Conversation.concat(Conversation.ascii(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.length + "\r\n\r\n"),
                        java.util.Arrays.copyOf(gz, gz.length / 2)))
                .close();
        assertFalse(c.all(HttpMalformed.class).isEmpty(), c.describeAll());
    }

    @SuppressWarnings("unused")
    private static void leakOneBufferOnPurpose() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(64);
        leaked.writeBytes(new byte[64]);
    }

    /** Leaks are reported when a later allocation finds a collected, unreleased buffer. */
    private static void provokeLeakReports() throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 50; j++) {
                ByteBufAllocator.DEFAULT.buffer(8).release();
                ByteBufAllocator.DEFAULT.heapBuffer(8).release();
            }
        }
    }
}
