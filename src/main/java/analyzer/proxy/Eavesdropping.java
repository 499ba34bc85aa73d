package analyzer.proxy;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Eavesdropping, as a hook: shows the dissector the bytes the proxy relays, one connection's worth ("one dissector,
 * two feeds": its events are the same as from a capture, marked as seen by the proxy).
 */
final class Eavesdropping implements ProxyHook {

    /** The dissector wants arrays; bytes of direct buffers are copied here (valid only during the call). */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[16 * 1024];
        }
    };

    private final ConnectionListener dissector;

    Eavesdropping(ConnectionListener dissector) {
        this.dissector = dissector;
    }

    @Override
    public void bytes(Direction direction, ByteBuf buf) {
        int n = buf.readableBytes();
        if (n == 0) {
            return;
        }
        if (buf.hasArray()) {
            dissector.onData(direction, buf.array(), buf.arrayOffset() + buf.readerIndex(), n, 0, ProxyContext.micros());
            return;
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        buf.getBytes(buf.readerIndex(), scratch, 0, n);
        dissector.onData(direction, scratch, 0, n, 0, ProxyContext.micros());
    }

    @Override
    public void closed() {
        dissector.onClose(ConnectionListener.CloseReason.PROXY, 0, ProxyContext.micros());
    }
}
