package analyzer.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream channel: hands what arrives and what happens there to the connection, as long
 * as this is its upstream of the moment (a forward proxy lets upstreams go while their client stays).
 */
final class UpstreamSide extends ChannelInboundHandlerAdapter {

    private final ChannelCommands io;
    private final ProxiedConnection connection;
    private final HostAndPort target;

    UpstreamSide(ChannelCommands io, HostAndPort target) {
        this.io = io;
        this.connection = io.connection();
        this.target = target;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (io.isUpstream(ctx.channel())) {
            connection.upstreamMessage(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        io.active();
        // Also for an upstream already let go: what it sent before that was written to the client.
        connection.upstreamReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (io.isUpstream(ctx.channel())) {
            connection.upstreamWritable(ctx.channel().isWritable());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (io.isUpstream(ctx.channel())) {
            if (evt instanceof ChannelInputShutdownEvent) {
                connection.upstreamInputEnded();
            } else if (evt instanceof SslHandshakeCompletionEvent handshake) {
                if (handshake.isSuccess()) {
                    connection.upstreamReady();
                } else {
                    connection.upstreamFailed("TLS to the upstream failed: "
                            + UpstreamConnector.explain(handshake.cause(), target));
                }
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (io.isUpstream(ctx.channel())) {
            connection.upstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (io.isUpstream(ctx.channel())) {
            connection.upstreamError(UpstreamConnector.explain(cause, target));
        } else {
            ctx.close();
        }
    }
}
