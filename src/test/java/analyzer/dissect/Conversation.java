package analyzer.dissect;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Feeds one connection's bytes through a Dissector, one frame per delivery, and collects the events. */
public final class Conversation {

    static final long START_MICROS = 1_700_000_000_000_000L;

    public final Flow flow;
    public final List<Event> events = new ArrayList<>();
    private final ConnectionListener listener;
    private long frame;
    private long time = START_MICROS;

    public Conversation() {
        this(DissectorOptions.defaults(), 5683);
    }

    public Conversation(DissectorOptions options) {
        this(options, 5683);
    }

    public Conversation(DissectorOptions options, int serverPort) {
        this(options, serverPort, Protocols.standard());
    }

    public Conversation(Protocols protocols) {
        this(DissectorOptions.defaults(), 5683, protocols);
    }

    public Conversation(DissectorOptions options, int serverPort, Protocols protocols) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        flow = new Flow(1, new Endpoint(loopback, 42184), new Endpoint(loopback, serverPort));
        listener = new Dissector(events::add, options, protocols).open(flow, 1, time);
    }

    /** The connection as its dissectors see it (its shared state). */
    public ConnectionContext connection() {
        return (ConnectionContext) listener;
    }

    public Conversation client(String text) {
        return client(ascii(text));
    }

    public Conversation server(String text) {
        return server(ascii(text));
    }

    public Conversation client(byte[] bytes) {
        return send(Direction.CLIENT_TO_SERVER, bytes);
    }

    public Conversation server(byte[] bytes) {
        return send(Direction.SERVER_TO_CLIENT, bytes);
    }

    /** Delivers the bytes in pieces of the given size, each its own frame. */
    public Conversation inPieces(Direction direction, byte[] bytes, int pieceSize) {
        for (int i = 0; i < bytes.length; i += pieceSize) {
            send(direction, Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + pieceSize)));
        }
        return this;
    }

    public Conversation send(Direction direction, byte[] bytes) {
        // Pad the array so the dissector must honour offset and length.
        byte[] padded = new byte[bytes.length + 6];
        Arrays.fill(padded, (byte) '#');
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        listener.onData(direction, padded, 3, bytes.length, ++frame, time += 10);
        Arrays.fill(padded, (byte) 'X'); // the array is only valid during the call
        return this;
    }

    public Conversation gap(Direction direction, long missing) {
        listener.onGap(direction, missing, ++frame, time += 10);
        return this;
    }

    public Conversation close() {
        listener.onClose(ConnectionListener.CloseReason.FIN, ++frame, time += 10);
        return this;
    }

    public long frameCount() {
        return frame;
    }

    /** Time stamp given to the n-th delivery (1-based frame number). */
    public static long timeOfFrame(long n) {
        return START_MICROS + 10 * n;
    }

    public <T extends Event> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    public <T extends Event> T only(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " but got " + describeAll());
        }
        return found.get(0);
    }

    public String describeAll() {
        return events.stream().map(Conversation::describe).collect(Collectors.joining("\n"));
    }

    /** The content of an event without where it came from (frames, time), to compare differently split feeds. */
    public static String describe(Event e) {
        if (e instanceof HttpRequestSeen r) {
            return "request " + r.direction() + " " + r.method() + " " + r.uri() + " " + r.version() + " "
                    + r.headers() + " " + body(r.body());
        }
        if (e instanceof HttpResponseSeen r) {
            return "response " + r.direction() + " " + r.version() + " " + r.code() + " " + r.phrase() + " "
                    + r.headers() + " " + body(r.body()) + " for " + r.requestMethod() + " " + r.requestUri();
        }
        if (e instanceof TlsRecordSeen t) {
            return "tls " + t.direction() + " " + t.contentType() + " " + t.version() + " " + t.length() + " "
                    + t.handshakes() + " " + t.alert() + " " + t.encrypted();
        }
        if (e instanceof RawDataSeen r) {
            return "raw " + r.direction() + " " + r.length() + " " + new String(r.preview(), StandardCharsets.ISO_8859_1);
        }
        if (e instanceof HttpMalformed m) {
            return "malformed " + m.direction() + " " + m.reason();
        }
        if (e instanceof StreamGap g) {
            return "gap " + g.direction() + " " + g.missingBytes();
        }
        return e.toString();
    }

    private static String body(HttpBody b) {
        return "body(" + b.length() + ", " + new String(b.shown(), StandardCharsets.ISO_8859_1) + ", text=" + b.text()
                + ", enc=" + b.contentEncoding() + ", chunked=" + b.chunked() + ", complete=" + b.complete() + ")";
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
