package analyzer.dissect;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.function.Supplier;

/** Both directions of one connection, and the state they share (see {@link ConnectionContext}). */
final class ConnectionDissector implements ConnectionListener, ConnectionContext {

    private final Flow flow;
    private final DissectorOptions options;
    private final Protocols protocols;
    private final DirectionDissector clientToServer;
    private final DirectionDissector serverToClient;
    /** Shared state by type; a connection holds a handful at most, so a short list beats a map. */
    private Object[] state = new Object[4];
    private int stateCount;
    private boolean closed;

    ConnectionDissector(Flow flow, EventSink sink, DissectorOptions options, Protocols protocols) {
        this.flow = flow;
        this.options = options;
        this.protocols = protocols;
        this.clientToServer = new DirectionDissector(this, Direction.CLIENT_TO_SERVER, sink);
        this.serverToClient = new DirectionDissector(this, Direction.SERVER_TO_CLIENT, sink);
    }

    @Override
    public void onData(Direction direction, byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (!closed) {
            of(direction).data(data, offset, length, frame, timestampMicros);
        }
    }

    @Override
    public void onGap(Direction direction, long missingBytes, long frame, long timestampMicros) {
        if (!closed) {
            of(direction).gap(missingBytes, frame, timestampMicros);
        }
    }

    @Override
    public void onClose(CloseReason reason, long frame, long timestampMicros) {
        if (closed) {
            return;
        }
        closed = true;
        clientToServer.close();
        serverToClient.close();
    }

    @Override
    public long retainedBytes() {
        long held = 96 + 16L * state.length + clientToServer.retainedBytes() + serverToClient.retainedBytes();
        for (int i = 1; i < stateCount; i += 2) {
            if (state[i] instanceof CountedState counted) {
                held += counted.retainedBytes();
            }
        }
        return held;
    }

    private DirectionDissector of(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? clientToServer : serverToClient;
    }

    @Override
    public Flow flow() {
        return flow;
    }

    DissectorOptions options() {
        return options;
    }

    Protocols protocols() {
        return protocols;
    }

    // ---- ConnectionContext

    @Override
    public StreamContext stream(Direction direction) {
        return of(direction);
    }

    @Override
    public <T> T state(Class<T> type, Supplier<T> create) {
        T found = findState(type);
        if (found == null) {
            found = create.get();
            setState(type, found);
        }
        return found;
    }

    @Override
    public <T> T findState(Class<T> type) {
        for (int i = 0; i < stateCount; i += 2) {
            if (state[i] == type) {
                return type.cast(state[i + 1]);
            }
        }
        return null;
    }

    @Override
    public <T> void setState(Class<T> type, T value) {
        for (int i = 0; i < stateCount; i += 2) {
            if (state[i] == type) {
                state[i + 1] = value;
                return;
            }
        }
        if (stateCount == state.length) {
            state = java.util.Arrays.copyOf(state, state.length * 2);
        }
        state[stateCount++] = type;
        state[stateCount++] = value;
    }

    @Override
    public ConnectionListener openInner(Flow innerFlow, EventSink sink, StreamProtocol expected) {
        ConnectionDissector inner = new ConnectionDissector(innerFlow, sink, options, protocols);
        if (expected != null) {
            inner.clientToServer.expect(expected);
            inner.serverToClient.expect(expected);
        }
        return inner;
    }
}
