package analyzer.dissect;

import analyzer.dissect.dns.DnsMessage;
import analyzer.dissect.dns.DnsMessageSeen;
import analyzer.dissect.quic.QuicFlowDissector;
import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * The datagrams of one UDP flow, each recognised by its content, never its port: QUIC (a long header of a version
 * we read, then short headers on the same flow), DNS (a message that parses exactly), or anything else, reported
 * raw so the verdict can judge it as it judges TCP bytes.
 */
final class DatagramDissector implements ConnectionListener {

    private final Flow flow;
    private final EventSink sink;
    private final QuicFlowDissector quic;
    private final int maxPreview;
    private boolean closed;

    DatagramDissector(Flow flow, EventSink sink, DissectorOptions options) {
        this.flow = flow;
        this.sink = sink;
        this.quic = new QuicFlowDissector(flow, sink);
        this.maxPreview = options.maxRawPreview();
    }

    @Override
    public void onData(Direction direction, byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (closed) {
            return;
        }
        if (quic.datagram(direction, data, offset, length, frame, timestampMicros)) {
            return;
        }
        DnsMessage dns = DnsMessage.parse(data, offset, length);
        if (dns != null) {
            sink.accept(new DnsMessageSeen(flow, direction, timestampMicros, RawStreamDissector.framesOf(frame), dns));
            return;
        }
        byte[] preview = java.util.Arrays.copyOfRange(data, offset, offset + Math.min(length, maxPreview));
        sink.accept(new RawDataSeen(flow, direction, timestampMicros, RawStreamDissector.framesOf(frame), length,
                preview));
    }

    @Override
    public void onGap(Direction direction, long missingBytes, long frame, long timestampMicros) {
        if (!closed) {
            sink.accept(new StreamGap(flow, direction, timestampMicros, RawStreamDissector.framesOf(frame),
                    missingBytes));
        }
    }

    @Override
    public void onClose(CloseReason reason, long frame, long timestampMicros) {
        closed = true;
    }
}
