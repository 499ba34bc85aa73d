package analyzer.flow;

/**
 * Receives the reassembled byte streams of one connection, both directions, in order. Implemented by the
 * dissector; fed by the TCP reassembler (wire) or by the proxy (relayed bytes). A UDP flow ({@link Flow#udp()}) is
 * fed by {@link UdpFlows}: each {@code onData} call is then one whole datagram, and a gap the part of one that the
 * snap length cut.
 *
 * <p>Frame numbers are 1-based positions in the capture; feeds without frames (the proxy) pass 0.
 * Timestamps are microseconds since the epoch.
 */
public interface ConnectionListener {

    /** In-order bytes of one direction. The array is only valid during the call. */
    void onData(Direction direction, byte[] data, int offset, int length, long frame, long timestampMicros);

    /** Bytes that will never arrive (lost, not captured, or skipped because buffers were full). */
    void onGap(Direction direction, long missingBytes, long frame, long timestampMicros);

    /**
     * The connection ended: FIN from both sides, RST, idle expiry, the end of the capture, or the reassembler
     * closing it early to stay within its bounds (EVICTED).
     */
    void onClose(CloseReason reason, long frame, long timestampMicros);

    /**
     * Heap this listener holds for its connection, roughly: its own objects and what it buffers (a message head
     * being read, a record being reassembled). The reassembler counts it against its bound on tracked memory and
     * asks after each delivery; a listener that wraps another adds the other's.
     */
    default long retainedBytes() {
        return 0;
    }

    enum CloseReason { FIN, RST, IDLE, END_OF_CAPTURE, PROXY, EVICTED }
}
