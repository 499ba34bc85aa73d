package analyzer.dissect;

/**
 * A protocol as the detector knows it: how to recognise a stream of it from its first bytes, where to pick it up
 * again in the middle of a stream, and how to make a dissector for it. Register one in {@link Protocols} — as a
 * heuristic (tried on every new stream, in order, as Wireshark's heuristic dissectors and Zeek's protocol
 * identification do), by upgrade token (after HTTP/1.1 101), by ALPN id (inside decrypted TLS), or by name only
 * (reached by hand-off). Implementations are stateless and shared by all connections.
 */
public interface StreamProtocol {

    /** How a protocol answers the first bytes of a stream. */
    enum Recognition {
        /** These bytes start a stream of this protocol. */
        YES,
        /** They do not. */
        NO,
        /** Too few bytes to tell; ask again with more (at most {@link #probeLength()}). */
        NEED_MORE
    }

    /** A short lower-case name: "http1", "tls", "http2", "websocket". */
    String name();

    /**
     * The most bytes {@link #recognise} needs to decide; the detector holds back at most this many. A protocol
     * reached only by hand-off keeps the default.
     */
    default int probeLength() {
        return 1;
    }

    /**
     * Whether the stream starting with these bytes is of this protocol. Looks at content only, never at ports.
     * Called with the first bytes of a stream, as many as have arrived (at least one). A protocol reached only by
     * hand-off (WebSocket after a 101, raw data) keeps the default: never.
     */
    default Recognition recognise(byte[] data, int offset, int length) {
        return Recognition.NO;
    }

    /**
     * Where in these bytes a stream of this protocol could be picked up, for a capture that began mid-stream or
     * bytes that went missing: the offset of the first landmark (e.g. an HTTP request line, a TLS record header at
     * the start), or -1 if there is none. The default: no landmark, the protocol is only found at a stream's start.
     */
    default int resumeAt(byte[] data, int offset, int length) {
        return -1;
    }

    /**
     * A dissector for the rest of a stream.
     *
     * @param first the bytes the decision was made on, which will be fed to {@link StreamDissector#data} next
     *              (possibly in several deliveries); empty when the stream was handed over before its first byte
     */
    StreamDissector open(StreamContext stream, byte[] first, int offset, int length);
}
