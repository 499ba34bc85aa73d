package analyzer.report;

import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.TlsRecordSeen;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Wireshark and tshark decide a protocol by port first, and give some ports to another protocol than the one on
 * them: the workshop's 5683 is CoAP's registered port, so HTTP and TLS there are shown as CoAP. Having seen which
 * protocol really ran on such a port, this says how to make them decode it: Analyze › Decode As…, or tshark's
 * {@code -d tcp.port==5683,http}.
 */
public final class DecodeAsHint implements EventSink {

    /** Ports Wireshark 4 gives to another protocol by default, and that protocol. */
    private static final Map<Integer, String> CLAIMED = Map.of(5683, "CoAP");

    private final Map<Integer, String> seen = new TreeMap<>();

    @Override
    public synchronized void accept(Event event) {
        int port = event.flow().server().port();
        if (!CLAIMED.containsKey(port) || event.flow().insideTls() || event.flow().udp()) {
            return;
        }
        if (event instanceof HttpRequestSeen || event instanceof HttpResponseSeen) {
            seen.putIfAbsent(port, "http");
        } else if (event instanceof TlsRecordSeen) {
            seen.putIfAbsent(port, "tls");
        }
    }

    /** The tshark options that decode what was seen, e.g. {@code -d tcp.port==5683,http}; empty when none is needed. */
    public synchronized String tsharkOptions() {
        StringBuilder sb = new StringBuilder();
        seen.forEach((port, protocol) -> sb.append(sb.length() > 0 ? " " : "").append("-d tcp.port==").append(port)
                .append(',').append(protocol));
        return sb.toString();
    }

    /** Lines to print after the file was written, or none when Wireshark decodes it right by itself. */
    public synchronized List<String> lines(Path file) {
        List<String> lines = new ArrayList<>();
        seen.forEach((port, protocol) -> lines.add("Wireshark shows port " + port + " as " + CLAIMED.get(port)
                + ": Analyze › Decode As… › TCP port " + port + " → " + protocol.toUpperCase(java.util.Locale.ROOT)
                + "."));
        if (!lines.isEmpty()) {
            lines.add("  tshark -r " + file + " " + tsharkOptions());
        }
        return lines;
    }
}
