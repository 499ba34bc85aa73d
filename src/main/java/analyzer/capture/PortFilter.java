package analyzer.capture;

import analyzer.flow.Flow;
import java.util.List;

/** The BPF expression that captures some ports: {@code tcp port 5683 or udp port 5683}, in tcpdump's syntax. */
public final class PortFilter {

    private PortFilter() {
    }

    /**
     * @param ports      the ports, each 1–65535 (checked by the caller, which knows the option to name)
     * @param transports which of TCP and UDP, in the order they are written for each port
     * @return the expression, or "" when there are no ports
     */
    public static String of(List<Integer> ports, Flow.Transport... transports) {
        StringBuilder filter = new StringBuilder();
        for (int port : ports) {
            for (Flow.Transport transport : transports) {
                filter.append(filter.length() > 0 ? " or " : "")
                        .append(transport == Flow.Transport.TCP ? "tcp port " : "udp port ").append(port);
            }
        }
        return filter.toString();
    }
}
