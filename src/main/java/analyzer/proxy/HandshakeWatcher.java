package analyzer.proxy;

import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Event;
import analyzer.dissect.TlsAlert;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Sits under the TLS handler of an intercepted client while the handshake runs and shows the raw records, both
 * ways, to a dissector of its own: a fatal alert the client sends before it has keys (TLS 1.2) is readable there,
 * whatever the TLS engine makes of it — so is the one OpenSSL sends under TLS 1.3 before it switches keys, which
 * the engine only reports as a record it could not decrypt. Also notes whether the client hung up mid-handshake.
 * Removed once the handshake succeeds. The secret server watches its clients' handshakes with it too.
 */
public final class HandshakeWatcher extends ChannelDuplexHandler {

    private final ConnectionListener records;
    private TlsAlert clientAlert;
    private boolean clientClosed;
    private boolean closed;

    public HandshakeWatcher(Flow flow) {
        this.records = new Dissector(this::seen, new DissectorOptions(0, 0)).open(flow, 0, ProxyContext.micros());
    }

    private void seen(Event event) {
        if (clientAlert == null && event instanceof TlsRecordSeen r && r.direction() == Direction.CLIENT_TO_SERVER
                && r.alert() != null) {
            clientAlert = r.alert();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!closed && msg instanceof ByteBuf buf && buf.isReadable()) {
            feed(Direction.CLIENT_TO_SERVER, buf);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!closed && msg instanceof ByteBuf buf && buf.isReadable()) {
            feed(Direction.SERVER_TO_CLIENT, buf);
        }
        ctx.write(msg, promise);
    }

    private void feed(Direction direction, ByteBuf buf) {
        byte[] bytes = ByteBufUtil.getBytes(buf);
        records.onData(direction, bytes, 0, bytes.length, 0, ProxyContext.micros());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            clientClosed = true;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        clientClosed = true;
        ctx.fireChannelInactive();
    }

    /** The fatal alert the client sent in clear, or null. */
    public TlsAlert clientAlert() {
        return clientAlert;
    }

    public boolean clientClosed() {
        return clientClosed;
    }

    /** The handshake succeeded: step out of the way. */
    public void finish(ChannelPipeline pipeline) {
        pipeline.remove(this);
        close();
    }

    public void close() {
        if (!closed) {
            closed = true;
            records.onClose(ConnectionListener.CloseReason.PROXY, 0, ProxyContext.micros());
        }
    }
}
