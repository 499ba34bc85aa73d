package analyzer.proxy;

import analyzer.flow.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Shows the dissector the bytes one side sends, as the proxy reads them (plaintext above a TLS handler, below any
 * HTTP codec): the proxy's feed of "one dissector, two feeds". Its context is also where the proxy writes bytes
 * of its own (a 502, a CONNECT answer) so they bypass the HTTP codec.
 */
final class RelayTap extends ChannelInboundHandlerAdapter {

    private final ProxiedConnection connection;
    private final Direction direction;

    RelayTap(ProxiedConnection connection, Direction direction) {
        this.connection = connection;
        this.direction = direction;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection.wire(direction, ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            connection.feed(direction, buf);
        }
        ctx.fireChannelRead(msg);
    }
}
