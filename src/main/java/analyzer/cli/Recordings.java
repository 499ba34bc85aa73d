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

    /** Says whether the TLS keys of the connections decrypted went into the file (a pcap cannot carry them). */
    static void keysInside(PrintWriter err, CaptureWriter writer, int decrypted) {
        if (decrypted == 0) {
            return;
        }
        String connections = decrypted == 1 ? "the connection" : "the " + decrypted + " connections";
        err.println(writer.annotates()
                ? "  the TLS keys of " + connections + " decrypted are inside it: Wireshark opens them with no key log"
                : "  a .pcap cannot carry TLS keys: give Wireshark the key log, or write a .pcapng to have them inside");
    }
}
