package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * What a {@link StreamDissector} is given about the one direction of one stream it reads: where the bytes come from,
 * where its events go, what it shares with the other direction, and the hand-off. The same context serves the
 * wire, the proxy and inner streams (decrypted TLS): a dissector never knows which feeds it.
 *
 * <h2>Hand-off</h2>
 * A dissector whose stream changes nature hands the rest of it on — a STARTTLS or SSLRequest to TLS, an HTTP/1.1
 * 101 to WebSocket or HTTP/2, a CONNECT to detection again, malformed input to a resynchronisation. It calls one of
 * the three methods below from {@link StreamDissector#data} or {@link StreamDissector#gap}, passing the bytes it did
 * not read, and returns; the context then closes it and feeds those bytes, and every later delivery, to what was
 * asked for. Called on the {@link #peer()} (which is not being fed at that moment), the switch happens at once:
 * a 101 seen on the server's side switches the client's side too.
 */
public interface StreamContext {

    Flow flow();

    Direction direction();

    /** Where events go. */
    EventSink sink();

    DissectorOptions options();

    /** The protocols this dissection knows, to hand off by name, upgrade token or ALPN id. */
    Protocols protocols();

    /** Both directions of the connection, and the state they share. */
    ConnectionContext connection();

    /** The opposite direction of the same connection. */
    StreamContext peer();

    /** The protocol whose dissector reads this direction now, or null while it is being detected or searched. */
    StreamProtocol protocol();

    /** The rest of this stream, starting with these bytes, is {@code next}'s. */
    void handOff(StreamProtocol next, byte[] rest, int offset, int length);

    /** The rest of this stream, starting with these bytes, is recognised again as if the stream began here. */
    void detectAgain(byte[] rest, int offset, int length);

    /**
     * The rest of this stream is reported as raw data up to the next landmark of {@code protocol}
     * ({@link StreamProtocol#resumeAt}), where a new dissector of it takes over: after missing bytes, or input
     * that stopped parsing.
     *
     * @param searchFrom where in {@code rest} to start looking for the landmark (bytes before it are raw anyway,
     *                   e.g. the line that failed to parse)
     */
    void resync(StreamProtocol protocol, byte[] rest, int offset, int length, int searchFrom);

    /** Reports bytes this dissector cannot read (yet keeps its stream) as raw data. */
    void raw(byte[] data, int offset, int length, long frame, long timestampMicros);
}
