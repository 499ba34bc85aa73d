package analyzer.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/** What clients and servers of HTTP/2 and WebSocket send first, as bytes on the wire, for the footprint probe. */
final class ProtocolFirstBytes {

    private ProtocolFirstBytes() {
    }

    /** The client's connection preface and its SETTINGS. */
    static byte[] http2Preface() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf()));
        frame(out, 0x4, 0, 0, new byte[0]);
        return out.toByteArray();
    }

    /**
     * The preface, a gRPC request's HEADERS (literal fields the HPACK table keeps), a whole DATA frame and half of
     * a second one: as a capture that stopped mid-request leaves it.
     */
    static byte[] http2RequestHalfSent() throws Http2Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(http2Preface());
        Http2Headers headers = new DefaultHttp2Headers().method("POST").path("/helloworld.Greeter/SayHello")
                .scheme("http").authority("127.0.0.1:5683").add("content-type", "application/grpc")
                .add("authorization", "Bearer tok_5ecret_abcdefgh").add("user-agent", "probe/1.0 " + "x".repeat(40));
        ByteBuf block = Unpooled.buffer();
        new DefaultHttp2HeadersEncoder().encodeHeaders(1, headers, block);
        frame(out, 0x1, 0x4, 1, ByteBufUtil.getBytes(block));
        block.release();
        byte[] message = new byte[5 + 300];
        message[4] = (byte) 300;
        message[3] = (byte) (300 >> 8);
        Arrays.fill(message, 5, message.length, (byte) 'y');
        frame(out, 0x0, 0, 1, message);
        ByteArrayOutputStream next = new ByteArrayOutputStream();
        frame(next, 0x0, 0, 1, message);
        byte[] second = next.toByteArray();
        out.write(second, 0, second.length / 2);
        return out.toByteArray();
    }

    /**
     * A WebSocket upgrade with permessage-deflate: the client's request, the server's 101 and, when asked, the
     * first fragment of a deflated, masked text message and half of its second fragment.
     */
    static byte[][] webSocketUpgrade(boolean messageHalfRead) {
        byte[] request = ("GET /chat HTTP/1.1\r\nHost: 127.0.0.1:5683\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        if (!messageHalfRead) {
            return new byte[][] {request, response};
        }
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput("the secret is fluffy tail ".repeat(40).getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[4096];
        int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        deflater.end();
        byte[] payload = Arrays.copyOf(buf, n - 4); // without the 00 00 ff ff tail, as RFC 7692 sends it
        byte[] key = {1, 2, 3, 4};
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        byte[] first = Arrays.copyOfRange(payload, 0, 20);
        frames.write(0x41); // RSV1 (compressed), text, not FIN
        frames.write(0x80 | first.length);
        frames.writeBytes(key);
        frames.writeBytes(masked(first, key));
        byte[] rest = Arrays.copyOfRange(payload, 20, payload.length);
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        second.write(0x80); // FIN, continuation
        second.write(0x80 | 126);
        second.write(rest.length >> 8);
        second.write(rest.length & 0xff);
        second.writeBytes(key);
        second.writeBytes(masked(rest, key));
        byte[] secondFrame = second.toByteArray();
        frames.write(secondFrame, 0, secondFrame.length / 2);
        return new byte[][] {request, response, frames.toByteArray()};
    }

    private static byte[] masked(byte[] payload, byte[] key) {
        byte[] out = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            out[i] = (byte) (payload[i] ^ key[i & 3]);
        }
        return out;
    }

    private static void frame(ByteArrayOutputStream out, int type, int flags, int streamId, byte[] payload) {
        out.write(payload.length >> 16);
        out.write(payload.length >> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(streamId >> 24);
        out.write(streamId >> 16);
        out.write(streamId >> 8);
        out.write(streamId);
        out.writeBytes(payload);
    }
}
