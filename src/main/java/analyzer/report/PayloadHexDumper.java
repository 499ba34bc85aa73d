package analyzer.report;

import analyzer.flow.ConnectionListener;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import analyzer.flow.ForwardingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * For --hex: dumps every reassembled payload chunk, Wireshark style, just before the dissector sees it, so the
 * raw bytes appear next to the fields decoded from them.
 */
public final class PayloadHexDumper implements ConnectionListenerFactory {

    private final ConnectionListenerFactory inner;
    private final Writer out;
    private final Style style;

    /** One for all connections: they are fed by one thread, one delivery at a time. */
    private final Utf8Text sb = new Utf8Text(1024);

    public PayloadHexDumper(ConnectionListenerFactory inner, Writer out, Style style) {
        this.inner = inner;
        this.out = out;
        this.style = style;
    }

    @Override
    public ConnectionListener open(Flow flow, long frame, long timestampMicros) {
        return new ForwardingListener(inner.open(flow, frame, timestampMicros)) {

            @Override
            public void onData(Direction direction, byte[] data, int offset, int length, long frame, long ts) {
                sb.clear();
                sb.append(style.dim("#" + flow.id() + "  " + flow.source(direction) + " → "
                        + flow.destination(direction) + "  payload " + length + " bytes"
                        + (frame > 0 ? "  frame " + frame : ""))).append('\n');
                HexDump.append(sb, "    ", data, offset, length);
                try {
                    sb.writeTo(out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                super.onData(direction, data, offset, length, frame, ts);
            }
        };
    }
}
