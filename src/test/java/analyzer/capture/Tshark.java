package analyzer.capture;

import analyzer.workshop.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** tshark's reading of a capture, as the judge our dissectors are compared with. Required in CI. */
public final class Tshark {

    private Tshark() {
    }

    /**
     * One line per frame that passes {@code displayFilter}: the fields tab-separated, as
     * {@code tshark -r FILE [decodeAs…] -Y FILTER -T fields -e …} prints them.
     *
     * @param decodeAs "-d" hints such as "tcp.port==2525,smtp" (tshark picks protocols by port; we never do)
     */
    public static List<String> fields(Path capture, List<String> decodeAs, String displayFilter, String... fields)
            throws Exception {
        ExternalCommand.require("tshark");
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString()));
        for (String d : decodeAs) {
            command.add("-d");
            command.add(d);
        }
        command.addAll(List.of("-Y", displayFilter, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String f : fields) {
            command.add("-e");
            command.add(f);
        }
        ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(60), command);
        if (r.code() != 0) {
            throw new AssertionError("tshark failed: " + r.output());
        }
        List<String> lines = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            if (!line.isBlank() && !line.startsWith("Running as user")) {
                lines.add(line);
            }
        }
        return lines;
    }

    public static List<String> fields(Path capture, String displayFilter, String... fields) throws Exception {
        return fields(capture, List.of(), displayFilter, fields);
    }

    /** Writes Ethernet frames to a pcap, 1 ms apart. */
    public static void write(Path file, List<byte[]> frames) throws CaptureException {
        long ts = 1_765_000_000_000_000L;
        try (PcapWriter writer = PcapWriter.create(file, analyzer.flow.PacketDecoder.DLT_EN10MB, 65535)) {
            for (byte[] f : frames) {
                writer.write(ts, f, f.length, f.length);
                ts += 1000;
            }
        }
    }
}
