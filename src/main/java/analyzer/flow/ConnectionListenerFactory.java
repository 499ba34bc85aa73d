package analyzer.flow;

/** Creates the listener for each new connection the reassembler discovers. */
@FunctionalInterface
public interface ConnectionListenerFactory {
    ConnectionListener open(Flow flow, long frame, long timestampMicros);
}
