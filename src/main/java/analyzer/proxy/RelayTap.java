package analyzer.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Shows the connection the bytes one side sends, as the proxy reads them (plaintext above a TLS handler, below any
 * HTTP codec), for its hooks: the eavesdropper's feed. On the client side its context is also where the proxy
 * writes answers of its own (a 400, a 502, a CONNECT answer) so they bypass the HTTP codec.
 */
final class RelayTap extends ChannelInboundHandlerAdapter {

    private final ChannelCommands io;
    private final boolean client;

    RelayTap(ChannelCommands io, boolean client) {
        this.io = io;
        this.client = client;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (client) {
            io.clientWire(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            if (client) {
                io.connection().clientBytes(buf);
            } else if (io.isUpstream(ctx.channel())) {
                io.connection().upstreamBytes(buf);
            }
        }
        ctx.fireChannelRead(msg);
    }
}
