package analyzer.flow;

/**
 * Bounds on reassembly memory and flow lifetime.
 *
 * @param maxBufferedPerDirection out-of-order bytes held for one direction of one connection
 * @param maxBufferedTotal        out-of-order bytes held for all connections together
 * @param idleTimeoutMicros       a connection with no packet for this long is closed (its pending data flushed)
 */
public record ReassemblyLimits(int maxBufferedPerDirection, long maxBufferedTotal, long idleTimeoutMicros) {

    public ReassemblyLimits {
        if (maxBufferedPerDirection < 0 || maxBufferedTotal < 0 || idleTimeoutMicros <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** 1 MiB per direction, 64 MiB in all, 2 minutes idle: flat memory under -Xmx256m on any capture. */
    public static ReassemblyLimits defaults() {
        return new ReassemblyLimits(1 << 20, 64L << 20, 120_000_000L);
    }
}
