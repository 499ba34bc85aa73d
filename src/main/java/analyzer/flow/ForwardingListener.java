package analyzer.flow;

/**
 * A listener that passes everything on to another: a decorator (a recorder, a scanner, a dumper) extends it and
 * overrides only the calls it looks at, calling {@code super} to pass them on.
 */
public abstract class ForwardingListener implements ConnectionListener {

    protected final ConnectionListener inner;

    protected ForwardingListener(ConnectionListener inner) {
        this.inner = inner;
    }

    @Override
    public void onData(Direction direction, byte[] data, int offset, int length, long frame, long timestampMicros) {
        inner.onData(direction, data, offset, length, frame, timestampMicros);
    }

    @Override
    public void onGap(Direction direction, long missingBytes, long frame, long timestampMicros) {
        inner.onGap(direction, missingBytes, frame, timestampMicros);
    }

    @Override
    public void onClose(CloseReason reason, long frame, long timestampMicros) {
        inner.onClose(reason, frame, timestampMicros);
    }

    /** What this decorator holds (a few fields) and what the listener it wraps holds. */
    @Override
    public long retainedBytes() {
        return 32 + inner.retainedBytes();
    }
}
