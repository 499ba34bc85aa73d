package analyzer.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Peeks at a client's first bytes to tell what it speaks (as mitmproxy's next-layer does), lets the connection
 * install the right handlers, and steps aside: the bytes it held go on to them untouched. Sits at the start of a
 * plain connection, and again above the TLS handler of an intercepted one.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    /** What the first bytes say. */
    enum Speaks {
        /** A TLS ClientHello. */
        TLS,
        /**
         * An HTTP/1 request line: an upper-case method and a space. Such a stream is relayed as HTTP messages, so
         * that the proxy's own parser decides where each request ends (and refuses one two parsers could read
         * differently) instead of the upstream's.
         */
        HTTP,
        /** Anything else (HTTP/2 with prior knowledge included): relayed as bytes. */
        OTHER
    }

    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int SSL2_CLIENT_HELLO = 1;
    /** Longer than any registered method (UPDATEREDIRECTREF has 17 letters). */
    private static final int MAX_METHOD = 20;
    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ChannelCommands io;
    private final boolean decrypted;

    /**
     * @param decrypted whether this sniffer reads the plaintext of an intercepted TLS connection (no TLS inside)
     */
    ProtocolSniffer(ChannelCommands io, boolean decrypted) {
        this.io = io;
        this.decrypted = decrypted;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        Speaks speaks = classify(in, decrypted);
        if (speaks == null) {
            return;
        }
        if (decrypted) {
            io.connection().decryptedSpeaks(speaks == Speaks.HTTP);
        } else {
            io.connection().clientSpeaks(speaks);
        }
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    /** What the bytes at the reader index say, or null when more are needed to tell. */
    static Speaks classify(ByteBuf in, boolean noTls) {
        if (!in.isReadable()) {
            return null;
        }
        int at = in.readerIndex();
        int first = in.getUnsignedByte(at);
        if (!noTls && first == TLS_HANDSHAKE_RECORD) {
            return Speaks.TLS;
        }
        if (!noTls && (first & 0x80) != 0) {
            // SSL 2.0-compatible ClientHello: a two-byte length with the top bit set, then message type 1.
            if (in.readableBytes() < 3) {
                return null;
            }
            return in.getUnsignedByte(at + 2) == SSL2_CLIENT_HELLO ? Speaks.TLS : Speaks.OTHER;
        }
        int n = Math.min(in.readableBytes(), MAX_METHOD + 1);
        for (int i = 0; i < n; i++) {
            int c = in.getUnsignedByte(at + i);
            if (c == ' ') {
                if (i == 0) {
                    return Speaks.OTHER;
                }
                if (!http2Preface(in)) {
                    return Speaks.HTTP;
                }
                return in.readableBytes() < HTTP2_PREFACE.length ? null : Speaks.OTHER;
            }
            if (c < 'A' || c > 'Z') {
                return Speaks.OTHER;
            }
        }
        return n > MAX_METHOD ? Speaks.OTHER : null;
    }

    /** Whether the bytes so far are (a start of) the HTTP/2 connection preface. */
    private static boolean http2Preface(ByteBuf in) {
        int n = Math.min(in.readableBytes(), HTTP2_PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != HTTP2_PREFACE[i]) {
                return false;
            }
        }
        return true;
    }
}
