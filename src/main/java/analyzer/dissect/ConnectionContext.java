package analyzer.dissect;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.function.Supplier;

/**
 * One connection as its dissectors see it: both directions, and the state they share, keyed by type — each
 * protocol family keeps its own (requests awaiting responses for HTTP/1, the negotiated version and ALPN for TLS,
 * the settings of an HTTP upgrade, …) without a central class knowing them all.
 */
public interface ConnectionContext {

    Flow flow();

    StreamContext stream(Direction direction);

    /** This connection's state of the given type, created on first use. */
    <T> T state(Class<T> type, Supplier<T> create);

    /** This connection's state of the given type, or null if none was made or set. */
    <T> T findState(Class<T> type);

    /** Sets (or replaces) this connection's state of the given type. */
    <T> void setState(Class<T> type, T value);

    /**
     * Shared state that holds more than a few fields (requests awaiting their responses, an upgrade's headers): the
     * connection counts its heap once in {@link analyzer.flow.ConnectionListener#retainedBytes()}, so that the
     * dissectors sharing it need not.
     */
    interface CountedState {
        /** A cheap estimate of the heap this state holds, not less than it. */
        long retainedBytes();
    }

    /**
     * A connection carried inside this one — the plaintext of a decrypted TLS connection: its bytes, fed per
     * direction through the listener returned, are dissected exactly as a connection's own bytes are (detection,
     * hand-offs, the same events), with the same options and a shared state of its own. Feed it the frames the
     * inner bytes came from; close it when this connection closes.
     *
     * @param flow     the flow the inner events carry: this connection's, or a view of it that marks them (decrypted)
     * @param sink     where the inner events go, usually {@link StreamContext#sink()}
     * @param expected the protocol both directions start with when known in advance (from ALPN:
     *                 {@link Protocols#forAlpn}), or null to recognise each direction by content
     */
    ConnectionListener openInner(Flow flow, EventSink sink, StreamProtocol expected);
}
