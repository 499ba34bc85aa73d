package analyzer.cli;

import analyzer.capture.CaptureWriter;
import analyzer.capture.PcapngWriter;
import analyzer.report.DecodeAsHint;
import java.io.PrintWriter;

/** What a command says once it has written a capture file: where, how to open it, what to tell Wireshark. */
final class Recordings {

    private Recordings() {
    }

    static void written(PrintWriter err, CaptureWriter writer, DecodeAsHint decodeAs) {
        err.println("written: " + writer.file() + " (open it in Wireshark, or: " + Invocation.command() + " read "
                + writer.file() + ")");
        if (writer instanceof PcapngWriter pcapng && pcapng.problem() != null) {
            err.println("analyzer: warning: " + pcapng.problem());
        }
        for (String line : decodeAs.lines(writer.file())) {
            err.println(line.startsWith(" ") ? line : "  " + line);
        }
    }
}
