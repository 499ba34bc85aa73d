package analyzer.proxy;

import analyzer.capture.PcapWriter;
import analyzer.capture.SyntheticTcp;
import analyzer.flow.ConnectionListener;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;

/**
 * --save: writes what the proxy relayed (the plaintext, when it intercepts TLS) as a pcap of synthesised TCP
 * connections between the client and the upstream — handshake, data segments in order, FINs — so Wireshark or
 * {@code analyzer read} can open it. Passes everything on to the dissector unchanged.
 */
final class ProxyRecording implements ConnectionListenerFactory {

    private final PcapWriter writer;
    private final ConnectionListenerFactory next;

    ProxyRecording(PcapWriter writer, ConnectionListenerFactory next) {
        this.writer = writer;
        this.next = next;
    }

    @Override
    public ConnectionListener open(Flow flow, long frame, long timestampMicros) {
        ConnectionListener inner = next.open(flow, frame, timestampMicros);
        return new ConnectionListener() {
            private long clientSeq = 1_000;
            private long serverSeq = 500_000;
            private boolean closed;

            {
                write(Direction.CLIENT_TO_SERVER, clientSeq++, 0, SyntheticTcp.SYN, timestampMicros);
                write(Direction.SERVER_TO_CLIENT, serverSeq++, clientSeq, SyntheticTcp.SYN | SyntheticTcp.ACK,
                        timestampMicros);
                write(Direction.CLIENT_TO_SERVER, clientSeq, serverSeq, SyntheticTcp.ACK, timestampMicros);
            }

            @Override
            public void onData(Direction direction, byte[] data, int offset, int length, long f, long ts) {
                for (int at = offset; at < offset + length; at += SyntheticTcp.MAX_PAYLOAD) {
                    int n = Math.min(SyntheticTcp.MAX_PAYLOAD, offset + length - at);
                    boolean fromClient = direction == Direction.CLIENT_TO_SERVER;
                    long seq = fromClient ? clientSeq : serverSeq;
                    long ack = fromClient ? serverSeq : clientSeq;
                    Endpoint src = flow.source(direction);
                    Endpoint dst = flow.destination(direction);
                    byte[] frameBytes = SyntheticTcp.segment(src.address(), src.port(), dst.address(), dst.port(),
                            seq & 0xffffffffL, ack & 0xffffffffL, SyntheticTcp.ACK | SyntheticTcp.PSH, data, at, n);
                    writer.write(ts, frameBytes, frameBytes.length, frameBytes.length);
                    if (fromClient) {
                        clientSeq += n;
                    } else {
                        serverSeq += n;
                    }
                }
                inner.onData(direction, data, offset, length, f, ts);
            }

            @Override
            public void onGap(Direction direction, long missingBytes, long f, long ts) {
                inner.onGap(direction, missingBytes, f, ts);
            }

            @Override
            public void onClose(CloseReason reason, long f, long ts) {
                if (!closed) {
                    closed = true;
                    write(Direction.CLIENT_TO_SERVER, clientSeq++, serverSeq, SyntheticTcp.FIN | SyntheticTcp.ACK, ts);
                    write(Direction.SERVER_TO_CLIENT, serverSeq++, clientSeq, SyntheticTcp.FIN | SyntheticTcp.ACK, ts);
                    write(Direction.CLIENT_TO_SERVER, clientSeq, serverSeq, SyntheticTcp.ACK, ts);
                }
                inner.onClose(reason, f, ts);
            }

            private void write(Direction direction, long seq, long ack, int flags, long ts) {
                Endpoint src = flow.source(direction);
                Endpoint dst = flow.destination(direction);
                byte[] frameBytes = SyntheticTcp.segment(src.address(), src.port(), dst.address(), dst.port(),
                        seq & 0xffffffffL, ack & 0xffffffffL, flags, new byte[0], 0, 0);
                writer.write(ts, frameBytes, frameBytes.length, frameBytes.length);
            }
        };
    }
}
