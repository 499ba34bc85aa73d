package analyzer.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Peeks at a client's first bytes to tell TLS from plaintext (as mitmproxy's next-layer does), lets the connection
 * install the right handlers, and steps aside: the bytes it held go on to them untouched.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int SSL2_CLIENT_HELLO = 1;

    private final ProxiedConnection connection;
    private final HostAndPort target;

    ProtocolSniffer(ProxiedConnection connection, HostAndPort target) {
        this.connection = connection;
        this.target = target;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        boolean tls;
        if (first == TLS_HANDSHAKE_RECORD) {
            tls = true;
        } else if ((first & 0x80) != 0) {
            // SSL 2.0-compatible ClientHello: a two-byte length with the top bit set, then message type 1.
            if (in.readableBytes() < 3) {
                return;
            }
            tls = in.getUnsignedByte(in.readerIndex() + 2) == SSL2_CLIENT_HELLO;
        } else {
            tls = false;
        }
        connection.clientSpeaks(ctx.pipeline(), target, tls, first >= 'A' && first <= 'Z');
        ctx.pipeline().remove(this);
    }
}
