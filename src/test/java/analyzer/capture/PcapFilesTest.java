package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PcapFilesTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void writtenFramesReadBackIdenticallyWithTimestamps() throws Exception {
        Path file = dir.resolve("x.pcap");
        SyntheticCapture.write(file);
        List<byte[]> read = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        try (FilePacketSource source = FilePacketSource.open(file)) {
            assertEquals(1, source.linkType());
            source.run((frame, ts, data, caplen, orig) -> {
                read.add(java.util.Arrays.copyOf(data, caplen));
                times.add(ts);
                assertEquals(read.size(), frame);
            });
        }
        List<byte[]> written = SyntheticCapture.frames();
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i));
        }
        assertEquals(1_763_928_242_000_000L, times.get(0));
        assertEquals(1_763_928_242_000_150L, times.get(1));
    }

    @Test
    void tsharkReadsOurPcapWithTheSamePacketCount() throws Exception {
        Path file = dir.resolve("x.pcap");
        SyntheticCapture.write(file);
        Process p;
        try {
            p = new ProcessBuilder("tshark", "-r", file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") == null, "tshark is required in CI");
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        long lines = output.lines().filter(l -> !l.isBlank() && !l.contains("Running as user")).count();
        assertEquals(SyntheticCapture.frames().size(), lines, output);
    }

    @Test
    void readShowsHttpOn5683ReorderedAndPaired() throws Exception {
        Path file = dir.resolve("x.pcap");
        SyntheticCapture.write(file);
        Result r = run("read", file.toString(), "--color", "never");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("#1  127.0.0.1:42184 → 127.0.0.1:5683  HTTP request"), r.out());
        assertTrue(r.out().contains("    GET / HTTP/1.1\n"), r.out());
        assertTrue(r.out().contains("HTTP response  200 OK"), r.out());
        assertTrue(r.out().contains("│ fluffy tail"), r.out());
        assertTrue(r.out().contains("frames 7, 6"), "the head came in frame 7 and the body in frame 6: " + r.out());
        assertTrue(r.err().contains("10 packets · 1 flow · 1 HTTP request, 1 response · 0 TLS records"), r.err());
    }

    @Test
    void readJsonHasTsharkStyleFields() throws Exception {
        Path file = dir.resolve("x.pcap");
        SyntheticCapture.write(file);
        Result r = run("read", file.toString(), "--format", "json", "--no-summary");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[0].contains("\"http.request.method\":\"GET\""), lines[0]);
        assertTrue(lines[1].contains("\"http.response.code\":200"), lines[1]);
        assertTrue(lines[1].contains("\"http.file_data\":\"fluffy tail\""), lines[1]);
        assertEquals("", r.err());
    }

    @Test
    void pcapngAndNanosecondPcapReadTheSameAsPcap() throws Exception {
        Path file = dir.resolve("x.pcap");
        SyntheticCapture.write(file);
        String expected = run("read", file.toString(), "--format", "json", "--no-summary").out();
        for (String[] format : new String[][] {{"pcapng", "x.pcapng"}, {"nsecpcap", "x-ns.pcap"}}) {
            Path converted = dir.resolve(format[1]);
            Process p;
            try {
                p = new ProcessBuilder("editcap", "-F", format[0], file.toString(), converted.toString())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") == null,
                        "editcap (tshark's package) is required in CI");
                return;
            }
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            Result r = run("read", converted.toString(), "--format", "json", "--no-summary");
            assertEquals(0, r.code(), r.err());
            assertEquals(expected, r.out(), format[0]);
        }
    }

    @Test
    void truncatedFileShowsWhatWasReadThenFailsWithExitCode2() throws Exception {
        Path file = dir.resolve("x.pcap");
        SyntheticCapture.write(file);
        byte[] all = Files.readAllBytes(file);
        // cut inside the last-but-two packet: the request and response are whole, the rest is not
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 120));
        Result r = run("read", file.toString(), "--color", "never");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.out().contains("│ fluffy tail"), r.out());
        assertTrue(r.err().contains("is damaged after"), r.err());
        assertTrue(r.err().contains("truncated"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    /** Length fields are unsigned 32-bit numbers: a damaged one is quoted as the file has it, never negative. */
    @Test
    void impossibleLengthsAreQuotedAsTheUnsignedNumbersInTheFile() throws Exception {
        Path file = dir.resolve("x.pcap");
        SyntheticCapture.write(file);
        byte[] all = Files.readAllBytes(file);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.nativeOrder());
        int third = 24;
        for (int i = 0; i < 2; i++) {
            third += 16 + b.getInt(third + 8);
        }
        b.putInt(third + 8, 0xFFFFFFF0);
        Files.write(file, all);
        Result r = run("read", file.toString(), "--color", "never");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is damaged after 2 packets: impossible packet length 4294967280"), r.err());

        // pcapng: a section header, an Ethernet interface, then blocks whose lengths are damaged.
        java.nio.ByteBuffer ng = java.nio.ByteBuffer.allocate(28 + 20 + 16 + 60 + 12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ng.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1)
                .putInt(28);
        ng.putInt(1).putInt(20).putShort((short) 1).putShort((short) 0).putInt(65535).putInt(20);
        // a simple packet block whose original length is 0xFFFFFFF0: the 60 bytes it holds are shown
        ng.putInt(3).putInt(16 + 60).putInt(0xFFFFFFF0);
        byte[] frame = SyntheticCapture.frames().get(0);
        ng.put(java.util.Arrays.copyOf(frame, 60)).putInt(16 + 60);
        ng.putInt(6).putInt(0xFFFFFFF0).putInt(0);
        Path pcapng = dir.resolve("x.pcapng");
        Files.write(pcapng, java.util.Arrays.copyOf(ng.array(), ng.position()));
        Result ngRun = run("read", pcapng.toString(), "--color", "never");
        assertEquals(2, ngRun.code(), ngRun.err());
        assertTrue(ngRun.err().contains("is damaged after 1 packets: impossible block length 4294967280"),
                ngRun.err());
    }

    @Test
    void missingAndNonCaptureFilesAreOneLineErrors() throws Exception {
        Result missing = run("read", dir.resolve("nope.pcap").toString());
        assertEquals(2, missing.code());
        assertEquals("analyzer: cannot read " + dir.resolve("nope.pcap") + ": no such file\n", missing.err());
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is not a capture at all, just text long enough for a header");
        Result garbage = run("read", text.toString());
        assertEquals(2, garbage.code());
        assertTrue(garbage.err().startsWith("analyzer: cannot read " + text + ": not a pcap or pcapng file"),
                garbage.err());
        assertEquals(1, garbage.err().trim().lines().count(), garbage.err());
    }

    @Test
    void writerRefusesAnUnwritablePath() {
        CaptureException e = assertThrows(CaptureException.class,
                () -> PcapWriter.create(dir.resolve("no/such/dir/x.pcap"), 1, 65535));
        assertTrue(e.getMessage().startsWith("cannot write "), e.getMessage());
    }
}
