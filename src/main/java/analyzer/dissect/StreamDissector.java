package analyzer.dissect;

/**
 * Reads one direction of one stream: bytes in, events out. Every protocol's dissector implements this, whatever
 * feeds it — the TCP reassembler, the proxy, or another dissector's output (decrypted TLS). It is created by its
 * {@link StreamProtocol} for a {@link StreamContext}, which is where its events go ({@link StreamContext#sink()}),
 * what it shares with the other direction ({@link StreamContext#connection()}), and how it hands the rest of its
 * stream to another dissector ({@link StreamContext#handOff}, {@link StreamContext#detectAgain},
 * {@link StreamContext#resync}).
 *
 * <p>Fed by one thread at a time; arrays are valid only during the call. Untrusted input: every buffer bounded,
 * past a bound an event says so and the dissector goes on.
 */
public interface StreamDissector {

    /**
     * In-order bytes of the stream. Once this dissector has asked its context for a hand-off, it is closed and
     * fed nothing more; bytes it did not read go with the hand-off.
     *
     * @param frame           the capture frame these bytes came in (1-based), or 0 when there is none (the proxy)
     * @param timestampMicros microseconds since the epoch
     */
    void data(byte[] data, int offset, int length, long frame, long timestampMicros);

    /**
     * Bytes that will never arrive. The dissector either stays in charge (finding its footing again in later bytes
     * itself) or hands off, typically {@code stream.resync(itsProtocol, …)}. The context reports the gap itself.
     */
    void gap(long missingBytes, long frame, long timestampMicros);

    /**
     * The stream ended, or this dissector handed it off: report what is pending (e.g. a message cut short) and
     * release buffers. Called exactly once.
     */
    void close();

    /**
     * Roughly the heap this dissector holds for its stream: its own objects and whatever it buffers (a message head
     * being read, a record or a handshake being reassembled). The sniffer bounds the memory of all the connections
     * it tracks together and asks this after each delivery, so it must be cheap; 0 means "a few hundred bytes at
     * most, whatever it is fed".
     */
    default long retainedBytes() {
        return 0;
    }
}
