package analyzer.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * The last handler of both channels of a proxied connection: hands what arrives (bytes or HTTP objects) and what
 * happens (writability, half-close, TLS handshakes, close, errors) to the connection, which relays it.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "relay";

    private final ProxiedConnection connection;

    RelayHandler(ProxiedConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.read(ctx.channel(), msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.readComplete(ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        connection.writabilityChanged(ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            connection.inputShutdown(ctx.channel());
        } else if (evt instanceof SslHandshakeCompletionEvent handshake) {
            connection.tlsHandshakeDone(ctx.channel(), handshake);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.closed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(ctx.channel(), cause);
    }
}
