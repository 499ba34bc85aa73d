package analyzer.flow;

import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import java.net.InetAddress;

/**
 * Run in a JVM of its own (no leak detector, nothing else on the heap): opens connections that each send the same
 * first bytes, through the real dissector, and prints the heap they took next to what the reassembler counted
 * for them — "HEAP COUNTED", bytes per connection. Tests check the count is not less than the heap.
 */
public final class FootprintProbe {

    private FootprintProbe() {
    }

    /**
     * args: connections, then the first bytes each sends in hex, or nothing for SYN-only connections; optionally
     * the server's answer and the client's next bytes, in hex (a protocol reached by an upgrade).
     */
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        byte[] first = args.length > 1 ? java.util.HexFormat.of().parseHex(args[1]) : new byte[0];
        byte[] answer = args.length > 2 ? java.util.HexFormat.of().parseHex(args[2]) : new byte[0];
        byte[] next = args.length > 3 ? java.util.HexFormat.of().parseHex(args[3]) : new byte[0];
        Dissector dissector = new Dissector(e -> { }, DissectorOptions.defaults());
        Endpoint server = new Endpoint(InetAddress.getLoopbackAddress(), 5683);
        long before = usedHeap();
        TcpReassembler table = new TcpReassembler(dissector,
                ReassemblyLimits.defaults().withConnectionTable(Integer.MAX_VALUE, Long.MAX_VALUE));
        for (int i = 0; i < n; i++) {
            Endpoint client = new Endpoint(InetAddress.getByAddress(SyntheticConnections.client(i)), 1024 + i % 60000);
            table.accept(TcpSegment.of(client, server, 100, 0, TcpSegment.SYN, new byte[0]), i, i);
            if (answer.length > 0) {
                table.accept(TcpSegment.of(server, client, 500, 101, TcpSegment.SYN | TcpSegment.ACK, new byte[0]),
                        i, i);
            }
            if (first.length > 0) {
                table.accept(TcpSegment.of(client, server, 101, 501, TcpSegment.ACK, first), i, i);
            }
            if (answer.length > 0) {
                table.accept(TcpSegment.of(server, client, 501, 101 + first.length, TcpSegment.ACK, answer), i, i);
            }
            if (next.length > 0) {
                table.accept(TcpSegment.of(client, server, 101 + first.length, 501 + answer.length, TcpSegment.ACK,
                        next), i, i);
            }
        }
        long grew = usedHeap() - before;
        System.out.println(grew / n + " " + table.trackedBytes() / table.connectionsTracked());
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
