package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import analyzer.workshop.ExternalCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tshark's reading of a capture, as the judge our dissectors are compared with (required in CI). */
public final class Tshark {

    private Tshark() {
    }

    /**
     * {@code tshark -r FILE ARGS -T fields -e F…}: one array per packet shown, one element per field, the values of
     * a field that occurs more than once joined by '|'.
     */
    public static List<String[]> fields(Path pcap, List<String> args, String... fields) throws Exception {
        ExternalCommand.require("tshark");
        List<String> command = new ArrayList<>(List.of("tshark", "-r", pcap.toString()));
        command.addAll(args);
        command.addAll(List.of("-T", "fields", "-E", "aggregator=|", "-E", "occurrence=a"));
        for (String f : fields) {
            command.add("-e");
            command.add(f);
        }
        Path out = Files.createTempFile("tshark", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("tshark took more than 60 s on " + pcap);
            }
            assertEquals(0, p.exitValue(), "tshark " + command);
            List<String[]> rows = new ArrayList<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                String[] row = Arrays.copyOf(line.split("\t", -1), fields.length);
                for (int i = 0; i < row.length; i++) {
                    row[i] = row[i] == null ? "" : row[i];
                }
                rows.add(row);
            }
            return rows;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
