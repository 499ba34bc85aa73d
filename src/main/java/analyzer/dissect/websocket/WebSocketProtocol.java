package analyzer.dissect.websocket;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.StreamProtocol;

/**
 * WebSocket (RFC 6455), reached only by the HTTP/1.1 upgrade ({@code Upgrade: websocket} answered by 101): its
 * frames carry nothing a detector could recognise at a stream's start.
 */
public final class WebSocketProtocol implements StreamProtocol {

    public static final WebSocketProtocol INSTANCE = new WebSocketProtocol();

    private WebSocketProtocol() {
    }

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        return new WebSocketStreamDissector(stream);
    }
}
