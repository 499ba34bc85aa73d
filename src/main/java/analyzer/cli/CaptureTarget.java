package analyzer.cli;

import analyzer.capture.PortFilter;
import analyzer.flow.Flow;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What to capture live: ports or a BPF filter, and the interface. Shared by capture and check. */
public final class CaptureTarget {

    @Option(names = {"-p", "--port"}, split = ",", paramLabel = "PORT",
            description = "Port(s) to watch, TCP and UDP; repeat or separate by commas (builds the BPF filter"
                    + " 'tcp port … or udp port …').")
    List<Integer> ports = new ArrayList<>();

    @Option(names = {"-i", "--interface"}, paramLabel = "NAME",
            description = "Interface to capture on (default: the loopback device).")
    String interfaceName;

    @Option(names = {"-f", "--filter"}, paramLabel = "BPF",
            description = "A BPF capture filter (tcpdump syntax) instead of --port, e.g. 'tcp port 443'.")
    String filter;

    boolean given() {
        return !ports.isEmpty() || filter != null;
    }

    /** The BPF expression: "tcp port 5683 or udp port 5683", the filter, or both ANDed; "tcp or udp" for neither. */
    String bpf() {
        return bpfFilter(ports, filter);
    }

    /** The BPF expression for --port and --filter: "tcp port 53 or udp port 53", or the filter ANDed. */
    private static String bpfFilter(List<Integer> ports, String filter) {
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new UserError("--port must be between 1 and 65535, not " + p);
            }
        }
        String portFilter = PortFilter.of(ports, Flow.Transport.TCP, Flow.Transport.UDP);
        if (filter != null && filter.isBlank()) {
            throw new UserError("--filter is empty; give a BPF expression such as 'tcp port 443'");
        }
        if (filter != null && !portFilter.isEmpty()) {
            return "(" + filter + ") and (" + portFilter + ")";
        }
        if (filter != null) {
            return filter;
        }
        return !portFilter.isEmpty() ? portFilter : "tcp or udp";
    }
}
