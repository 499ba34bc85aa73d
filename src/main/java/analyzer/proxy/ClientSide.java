package analyzer.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/** The last handler of a client's channel: hands what arrives and what happens there to the connection. */
final class ClientSide extends ChannelInboundHandlerAdapter {

    private final ChannelCommands io;
    private final ProxiedConnection connection;

    ClientSide(ChannelCommands io) {
        this.io = io;
        this.connection = io.connection();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.clientMessage(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        io.active();
        connection.clientReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        connection.clientWritable(ctx.channel().isWritable());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            connection.clientInputEnded();
        } else if (evt instanceof SslHandshakeCompletionEvent handshake) {
            io.clientHandshakeDone(handshake);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        io.clientClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and TLS failures toward the client (reported by the handshake event) end the connection.
        connection.clientError();
    }
}
