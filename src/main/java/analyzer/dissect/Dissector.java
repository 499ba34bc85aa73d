package analyzer.dissect;

import analyzer.flow.ConnectionListener;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.Flow;
import java.util.Objects;

/**
 * One dissector, two feeds: the TCP reassembler (wire bytes) and the proxy (relayed bytes) both open a listener
 * per connection here, and the same events come out. Each direction is recognised by its content (the heuristic
 * table of {@link Protocols}), never by its port, and read by that protocol's {@link StreamDissector}; so is each
 * UDP datagram (DNS, QUIC, or raw: {@link DatagramDissector}). Not thread-safe: each connection's listener is fed by
 * one thread at a time.
 */
public final class Dissector implements ConnectionListenerFactory {

    private final EventSink sink;
    private final DissectorOptions options;
    private final Protocols protocols;

    public Dissector(EventSink sink, DissectorOptions options) {
        this(sink, options, Protocols.standard());
    }

    public Dissector(EventSink sink, DissectorOptions options, Protocols protocols) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.options = Objects.requireNonNull(options, "options");
        this.protocols = Objects.requireNonNull(protocols, "protocols");
    }

    @Override
    public ConnectionListener open(Flow flow, long frame, long timestampMicros) {
        return flow.udp() ? new DatagramDissector(flow, sink, options)
                : new ConnectionDissector(flow, sink, options, protocols);
    }
}
