package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.SyntheticConnections;
import analyzer.workshop.ExternalCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures that make a sniffer track many connections at once, read by `read` and `check --read` in their own JVM
 * with the heap the README promises is enough (-Xmx256m): a SYN flood, and connections that each hold bytes past
 * a hole. Each used to end in an OutOfMemoryError.
 */
@Timeout(300)
class ConnectionFloodTest {

    private static final int CONNECTIONS = 200_000;

    @TempDir
    static Path dir;
    private static Path synFlood;
    private static Path gaps;
    private static Path partialHeads;
    /** Each holding 2 KiB of a request head that never ends: about 11 KiB of heap each, 330 MiB in all. */
    private static final int SLOW_CLIENTS = 30_000;

    @BeforeAll
    static void captures() throws Exception {
        synFlood = dir.resolve("syn-flood.pcap");
        try (SyntheticConnections capture = SyntheticConnections.create(synFlood)) {
            for (int i = 0; i < CONNECTIONS; i++) {
                capture.syn(SyntheticConnections.client(i), 1024 + i % 60000, 5683);
            }
        }
        gaps = dir.resolve("gaps.pcap");
        byte[] afterHole = ("Host: 127.0.0.1:5683\r\nUser-Agent: flood\r\nX-Filler: " + "x".repeat(100)
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (SyntheticConnections capture = SyntheticConnections.create(gaps)) {
            for (int i = 0; i < CONNECTIONS; i++) {
                capture.connect(SyntheticConnections.client(i), 1024 + i % 60000, 5683).clientLoses(100)
                        .client(afterHole);
            }
        }
        partialHeads = dir.resolve("partial-heads.pcap");
        StringBuilder head = new StringBuilder("GET /slow HTTP/1.1\r\nHost: 127.0.0.1:5683\r\n");
        for (int i = 0; head.length() < 2048; i++) {
            head.append("X-Slow-").append(i).append(": ").append("y".repeat(60)).append("\r\n");
        }
        byte[] partial = head.substring(0, 2048).getBytes(StandardCharsets.US_ASCII);
        try (SyntheticConnections capture = SyntheticConnections.create(partialHeads)) {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                capture.connect(SyntheticConnections.client(i), 1024 + i % 60000, 5683).client(partial);
            }
        }
    }

    /**
     * The analyzer in its own JVM with a 256 MiB heap, as `ANALYZER_JAVA_OPTS=-Xmx256m ./analyzer …` runs it: its
     * exit code and what it wrote to stderr (its events, hundreds of thousands of lines, are not kept).
     */
    private static ExternalCommand.Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(ExternalCommand.analyzer(args));
        command.add(1, "-Xmx256m");
        command.add(2, "-XX:+UseSerialGC");
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            assertTrue(p.waitFor(4, TimeUnit.MINUTES), String.join(" ", args) + " did not finish in 4 minutes");
            return new ExternalCommand.Result(p.exitValue(), Files.readString(stderr));
        } finally {
            p.destroyForcibly();
        }
    }

    private static void assertNoStackTrace(ExternalCommand.Result r) {
        assertFalse(r.output().contains("OutOfMemoryError") || r.output().contains("\tat "), r.output());
    }

    /** `read` then `check --read` on the capture: both finish, say flows were closed early, and exit as expected. */
    private static String readAndCheck(Path capture, int flows, int checkExitCode) throws Exception {
        ExternalCommand.Result read = run("read", capture.toString(), "--format", "json");
        assertNoStackTrace(read);
        assertEquals(0, read.code(), read.output());
        assertTrue(read.output().contains(" · " + flows + " flows"), read.output());
        assertTrue(read.output().matches("(?s).*note: \\d+ flows closed early, the idlest first, to keep memory"
                + " bounded.*"), read.output());
        ExternalCommand.Result check = run("check", "--read", capture.toString(), "--format", "json");
        assertNoStackTrace(check);
        assertEquals(checkExitCode, check.code(), check.output());
        return read.output();
    }

    @Test
    void aSynFloodReadsInBoundedMemory() throws Exception {
        readAndCheck(synFlood, CONNECTIONS, ExitCodes.NOTHING_SEEN);
    }

    @Test
    void connectionsHoldingBytesPastAHoleReadInBoundedMemory() throws Exception {
        String summary = readAndCheck(gaps, CONNECTIONS, ExitCodes.CHECK_FAILED);
        assertTrue(summary.contains(" · " + CONNECTIONS + " gaps"), "every hole is reported, evicted or not: "
                + summary);
    }

    @Test
    void requestHeadsThatNeverEndReadInBoundedMemory() throws Exception {
        readAndCheck(partialHeads, SLOW_CLIENTS, ExitCodes.CHECK_FAILED);
    }

    /**
     * The bound holds on the heap only if what the table counts for a connection is not less than what it takes:
     * measured in a JVM of its own for connections that stopped at different points.
     */
    @Test
    void theTableCountsAtLeastTheHeapItsConnectionsTake() throws Exception {
        StringBuilder head = new StringBuilder("GET /slow HTTP/1.1\r\nHost: x\r\n");
        while (head.length() < 4096) {
            head.append("X-Slow: ").append("y".repeat(60)).append("\r\n");
        }
        String[] firstBytes = {null, "GET / HT", head.substring(0, 1000), head.substring(0, 4096), "hello there",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
            "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nfirst bytes of a long body",
            "EHLO client.example\r\nMAIL FROM:<alice@exa", "*2\r\n$4\r\nAUTH\r\n$8\r\nsecr"};
        for (String first : firstBytes) {
            String what = first == null ? "SYN only" : first.substring(0, Math.min(first.length(), 20));
            assertCountedCoversHeap(what, first == null ? new byte[0][] : new byte[][] {
                first.getBytes(StandardCharsets.ISO_8859_1)});
        }
    }

    /**
     * State the two directions share: complete requests waiting for their responses (one, an upgrade, eight
     * pipelined with targets of their own), and a DNS-over-TCP query whose message was cut short.
     */
    @Test
    void requestsAwaitingTheirResponsesAreCountedAtLeastTheHeapTheyTake() throws Exception {
        String get = "GET / HTTP/1.1\r\nHost: 127.0.0.1:5683\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n";
        String upgrade = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:5683\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        StringBuilder pipelined = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            pipelined.append("GET /items/").append(i).append("?page=").append("p".repeat(40))
                    .append(" HTTP/1.1\r\nHost: 127.0.0.1:5683\r\nAccept: application/json\r\n\r\n");
        }
        assertCountedCoversHeap("a request awaiting its response", get.getBytes(StandardCharsets.ISO_8859_1));
        assertCountedCoversHeap("an upgrade awaiting its 101", upgrade.getBytes(StandardCharsets.ISO_8859_1));
        assertCountedCoversHeap("8 pipelined requests", pipelined.toString().getBytes(StandardCharsets.ISO_8859_1));
        // A query announcing 300 bytes (EDNS padding), 100 of them sent: the message is held until it ends.
        java.nio.ByteBuffer dns = java.nio.ByteBuffer.allocate(100);
        dns.putShort((short) 300).putShort((short) 0x1234).putShort((short) 0x0100).putShort((short) 1)
                .putShort((short) 0).putShort((short) 0).putShort((short) 1)
                .put(new byte[] {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0}).putShort((short) 1)
                .putShort((short) 1);
        assertCountedCoversHeap("a DNS-over-TCP query cut short", dns.array());
    }

    /**
     * Runs the probe on 20 000 connections that each send these bytes (the client's first bytes, then optionally
     * the server's answer and the client's next bytes) and checks the table counts at least the heap they take,
     * and not more than three times as much.
     */
    static void assertCountedCoversHeap(String what, byte[]... exchange) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "analyzer.flow.FootprintProbe", "20000"));
        for (byte[] bytes : exchange) {
            command.add(java.util.HexFormat.of().formatHex(bytes));
        }
        ExternalCommand.Result r = ExternalCommand.run(java.time.Duration.ofMinutes(2), command);
        assertEquals(0, r.code(), r.output());
        String[] numbers = r.output().strip().split(" ");
        long heap = Long.parseLong(numbers[0]);
        long counted = Long.parseLong(numbers[1]);
        assertTrue(heap <= counted, what + ": " + heap + " bytes of heap each, counted " + counted);
        assertTrue(counted <= 3 * heap, what + ": " + heap + " bytes of heap each, counted " + counted);
    }
}
