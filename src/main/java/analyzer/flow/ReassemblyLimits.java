package analyzer.flow;

/**
 * Bounds on reassembly memory and flow lifetime.
 *
 * @param maxBufferedPerDirection out-of-order bytes held for one direction of one connection
 * @param maxBufferedTotal        out-of-order bytes held for all connections together
 * @param idleTimeoutMicros       a connection with no packet for this long is closed (its pending data flushed)
 * @param maxConnections          connections tracked at once; past it the one idle longest is closed early
 * @param maxTrackedBytes         heap the tracked connections may take together — each one's own footprint, the
 *                                bytes it holds out of order, and what its listener (the dissector) says it holds;
 *                                past it the ones idle longest are closed early
 */
public record ReassemblyLimits(int maxBufferedPerDirection, long maxBufferedTotal, long idleTimeoutMicros,
                               int maxConnections, long maxTrackedBytes) {

    public ReassemblyLimits {
        if (maxBufferedPerDirection < 0 || maxBufferedTotal < 0 || idleTimeoutMicros <= 0 || maxConnections < 1
                || maxTrackedBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** The given buffer and idle limits, with the default bounds on the connection table. */
    public ReassemblyLimits(int maxBufferedPerDirection, long maxBufferedTotal, long idleTimeoutMicros) {
        this(maxBufferedPerDirection, maxBufferedTotal, idleTimeoutMicros, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_TRACKED_BYTES);
    }

    static final int DEFAULT_MAX_CONNECTIONS = 200_000;
    static final long DEFAULT_MAX_TRACKED_BYTES = 96L << 20;

    /**
     * 1 MiB per direction, 64 MiB out of order in all, 2 minutes idle, 200 000 connections and 96 MiB for the
     * connection table: flat memory under -Xmx256m on any capture (a SYN flood of millions of connections included).
     */
    public static ReassemblyLimits defaults() {
        return new ReassemblyLimits(1 << 20, 64L << 20, 120_000_000L);
    }

    /** The same, with other bounds on the connection table. */
    public ReassemblyLimits withConnectionTable(int connections, long trackedBytes) {
        return new ReassemblyLimits(maxBufferedPerDirection, maxBufferedTotal, idleTimeoutMicros, connections,
                trackedBytes);
    }
}
