package analyzer.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The readable runs in binary data, as {@code strings(1)} finds them: what an eavesdropper reads in a protobuf
 * message without its schema. Runs of printable ASCII (and UTF-8 letters) at least {@link #MIN_RUN} long.
 */
public final class PrintableStrings {

    public static final int MIN_RUN = 4;
    private static final int MAX_RUNS = 16;

    private PrintableStrings() {
    }

    public static List<String> of(byte[] data) {
        List<String> runs = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= data.length && runs.size() < MAX_RUNS; i++) {
            int c = i < data.length ? data[i] & 0xff : 0;
            boolean printable = (c >= 0x20 && c < 0x7f) || c >= 0x80;
            if (printable && start < 0) {
                start = i;
            } else if (!printable && start >= 0) {
                if (i - start >= MIN_RUN) {
                    String run = new String(data, start, i - start, StandardCharsets.UTF_8);
                    if (run.indexOf('\uFFFD') < 0) {
                        runs.add(run);
                    }
                }
                start = -1;
            }
        }
        return runs;
    }
}
