package analyzer.dissect.http2;

import analyzer.dissect.BodyPreview;
import analyzer.dissect.ContentDecoder;
import analyzer.dissect.EventSink;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.HttpUpgrade;
import analyzer.dissect.Protocols;
import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One direction of an HTTP/2 connection, read passively with Netty's frame reader and HPACK decoder (one header
 * table per direction, nothing ever written): each request or response is reported once its stream ends in this
 * direction, with its headers, body (DATA, content coding removed), trailers and, for gRPC, its messages and
 * status. Control frames are reported when asked ({@code --layers}).
 *
 * <p>Frames are cut here, so each is handed to the reader whole and its capture frames are known; bytes of a
 * frame split over deliveries wait in a buffer bounded by the largest frame the receiver allows (its
 * SETTINGS_MAX_FRAME_SIZE, at most {@link #MAX_FRAME}). Header blocks are bounded too ({@link #MAX_HEADER_LIST},
 * a table of at most {@link #MAX_HEADER_TABLE}). A frame the reader rejects is reported malformed; when the
 * connection cannot be followed further (header compression state lost, a frame that cannot be delimited), the
 * rest of the direction is handed over as raw data.
 */
final class Http2StreamDissector implements StreamDissector, Http2FrameListener {

    /** The protocol's own ceiling is 2^24-1; no real peer needs more than this to be buffered per direction. */
    static final int MAX_FRAME = 1 << 20;
    static final int DEFAULT_MAX_FRAME = 16384;
    /** Decoded header list (names and values) per block, as the HTTP/1 dissector bounds a head. */
    static final int MAX_HEADER_LIST = 64 * 1024;
    /** The largest HPACK table an encoder may ask for here (the default is 4 096). */
    static final int MAX_HEADER_TABLE = 64 * 1024;
    /** Streams with a message in progress; past this the oldest is reported incomplete. */
    static final int MAX_OPEN_STREAMS = 512;

    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int CONTINUATION = 0x9;
    private static final String[] FRAME_TYPES = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
            "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};

    private final StreamContext stream;
    private final EventSink sink;
    private final Flow flow;
    private final Direction direction;
    private final int maxBody;
    private final boolean controlFrames;
    private final Http2Connection connection;
    private final EmbeddedChannel channel;
    private final ChannelHandlerContext ctx;
    private final DecodedFields.Decoder headerDecoder;
    private final DefaultHttp2FrameReader reader;

    /** Bytes of the client's connection preface still to pass over. */
    private int prefaceLeft;
    private int maxFrame = DEFAULT_MAX_FRAME;

    /** A frame split over deliveries: its bytes so far, the deliveries they came in, the time of the first. */
    private byte[] partial = new byte[0];
    private int partialFill;
    private final Frames.Builder partialFrames = new Frames.Builder();
    private long partialTime;

    /**
     * The frame being read: the delivery it ended in, and all the deliveries it came in when it was split (else
     * null); the time of its first byte.
     */
    private long frameDelivery;
    private Frames frameSpan;
    private long frameTime;
    private int frameLength;

    private final Map<Integer, Message> open = new LinkedHashMap<>();
    private boolean stopped;

    /** HPACK size (name + value + 32 a field) of every field decoded so far, saturating: the table holds no more. */
    private long decodedFieldBytes;
    /** Heap of the header fields the shared-field cache below holds. */
    private long sharedHeld;

    Http2StreamDissector(StreamContext stream) {
        this.stream = stream;
        this.sink = stream.sink();
        this.flow = stream.flow();
        this.direction = stream.direction();
        this.maxBody = stream.options().maxBody();
        this.controlFrames = stream.options().controlFrames();
        this.connection = stream.connection().findState(Http2Connection.class) != null
                ? stream.connection().findState(Http2Connection.class)
                : newConnection(stream);
        this.channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        this.ctx = channel.pipeline().firstContext();
        this.headerDecoder = new DecodedFields.Decoder(MAX_HEADER_LIST);
        this.reader = new DefaultHttp2FrameReader(headerDecoder);
        try {
            headerDecoder.maxHeaderTableSize(MAX_HEADER_TABLE);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
        this.prefaceLeft = direction == Direction.CLIENT_TO_SERVER ? Http2Protocol.PREFACE.length : 0;
        connection.register(direction, this);
    }

    private static Http2Connection newConnection(StreamContext stream) {
        Http2Connection c = new Http2Connection();
        c.upgradedFrom(stream.connection().findState(HttpUpgrade.class));
        stream.connection().setState(Http2Connection.class, c);
        return c;
    }

    // ---- bytes to frames

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        int end = offset + length;
        int pos = prefaceLeft > 0 ? skipPreface(data, offset, end, frame, timestampMicros) : offset;
        if (pos < 0) {
            return;
        }
        if (partialFill > 0 && pos < end) {
            partialFrames.add(frame);
            pos = completePartial(data, pos, end, frame, timestampMicros);
            if (stopped) {
                return;
            }
        }
        ByteBuf whole = null;
        while (!stopped && end - pos >= Http2Protocol.FRAME_HEADER && partialFill == 0) {
            int payload = payloadLength(data, pos);
            if (payload > maxFrame) {
                tooLarge(payload, data, pos, end, frame, timestampMicros);
                return;
            }
            int size = Http2Protocol.FRAME_HEADER + payload;
            if (end - pos < size) {
                break;
            }
            if (whole == null) {
                whole = Unpooled.wrappedBuffer(data, offset, length);
            }
            frameDelivery = frame;
            frameSpan = null;
            frameTime = timestampMicros;
            read(whole, pos - offset, size);
            pos += size;
        }
        if (!stopped && pos < end) {
            keepPartial(data, pos, end - pos, frame, timestampMicros);
        }
    }

    /** Passes over the connection preface at the start of the client's stream (it may be split). */
    private int skipPreface(byte[] data, int offset, int end, long frame, long timestampMicros) {
        byte[] preface = Http2Protocol.PREFACE;
        int pos = offset;
        while (prefaceLeft > 0 && pos < end) {
            if (data[pos] != preface[preface.length - prefaceLeft]) {
                if (prefaceLeft == preface.length) {
                    // Handed over without a preface (a 101 switched this side before it sent one): frames start here.
                    prefaceLeft = 0;
                    return pos;
                }
                fail("not the HTTP/2 connection preface", frame, timestampMicros);
                stream.handOff(Protocols.RAW, data, pos, end - pos);
                return -1;
            }
            prefaceLeft--;
            pos++;
        }
        return pos;
    }

    private static int payloadLength(byte[] b, int at) {
        return ((b[at] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
    }

    private void keepPartial(byte[] data, int from, int n, long frame, long timestampMicros) {
        ensurePartial(n);
        System.arraycopy(data, from, partial, 0, n);
        partialFill = n;
        partialFrames.clear();
        partialFrames.add(frame);
        partialTime = timestampMicros;
    }

    private void ensurePartial(int n) {
        if (partial.length < n) {
            partial = Arrays.copyOf(partial, Math.max(n, Math.min(partial.length * 2 + 64,
                    Http2Protocol.FRAME_HEADER + maxFrame)));
        }
    }

    /** Adds bytes to the frame split over deliveries; reads it once whole. Returns where the rest starts. */
    private int completePartial(byte[] data, int pos, int end, long frame, long timestampMicros) {
        if (partialFill < Http2Protocol.FRAME_HEADER) {
            int n = Math.min(Http2Protocol.FRAME_HEADER - partialFill, end - pos);
            ensurePartial(partialFill + n);
            System.arraycopy(data, pos, partial, partialFill, n);
            partialFill += n;
            pos += n;
            if (partialFill < Http2Protocol.FRAME_HEADER) {
                return pos;
            }
            int payload = payloadLength(partial, 0);
            if (payload > maxFrame) {
                partialFill = 0;
                tooLarge(payload, data, pos, end, frame, partialTime);
                return end;
            }
        }
        int size = Http2Protocol.FRAME_HEADER + payloadLength(partial, 0);
        int n = Math.min(size - partialFill, end - pos);
        ensurePartial(partialFill + n);
        System.arraycopy(data, pos, partial, partialFill, n);
        partialFill += n;
        pos += n;
        if (partialFill == size) {
            frameDelivery = frame;
            frameSpan = partialFrames.build();
            frameTime = partialTime;
            partialFill = 0;
            read(Unpooled.wrappedBuffer(partial, 0, size), 0, size);
        }
        return pos;
    }

    /** A frame header claims more than the receiver allows: the frames cannot be delimited any further. */
    private void tooLarge(int payload, byte[] data, int pos, int end, long frame, long timestampMicros) {
        fail("frame of " + payload + " bytes, larger than the " + maxFrame
                + " the receiver allows (SETTINGS_MAX_FRAME_SIZE): not HTTP/2, or corrupt", frame, timestampMicros);
        stream.handOff(Protocols.RAW, data, pos, end - pos);
    }

    /** Hands one whole frame to Netty's reader, which calls back below. */
    private void read(ByteBuf buf, int at, int size) {
        buf.setIndex(at, at + size);
        frameLength = size - Http2Protocol.FRAME_HEADER;
        try {
            reader.readFrame(ctx, buf, this);
        } catch (Http2Exception e) {
            int type = buf.getUnsignedByte(at + 3);
            int streamId = buf.getInt(at + 5) & 0x7fffffff;
            if (Http2Exception.isStreamError(e)) {
                Message m = open.remove(streamId);
                if (m != null) {
                    finish(m, false);
                }
                malformed(frameType(type) + " frame on stream " + streamId + ": " + describe(e));
            } else {
                stop(frameType(type) + " frame: " + describe(e));
            }
        } catch (RuntimeException e) {
            stop("frame could not be read: " + describe(e));
        }
    }

    /** The connection cannot be followed any further; later bytes of this direction are raw. */
    private void stop(String reason) {
        malformed(reason);
        stopped = true;
        stream.handOff(Protocols.RAW, new byte[0], 0, 0);
    }

    private void fail(String reason, long frame, long timestampMicros) {
        sink.accept(new HttpMalformed(flow, direction, timestampMicros, frame > 0 ? Frames.of(frame) : Frames.NONE,
                "HTTP/2: " + reason));
        stopped = true;
    }

    private void malformed(String reason) {
        sink.accept(new HttpMalformed(flow, direction, frameTime, frameFrames(), "HTTP/2: " + reason));
    }

    private Frames frameFrames() {
        return frameSpan != null ? frameSpan : frameDelivery > 0 ? Frames.of(frameDelivery) : Frames.NONE;
    }

    private void addFrameFrames(Frames.Builder to) {
        if (frameSpan == null) {
            to.add(frameDelivery);
        } else {
            for (int i = 0; i < frameSpan.size(); i++) {
                to.add(frameSpan.get(i));
            }
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m != null ? m : e.getClass().getSimpleName();
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        // Frame boundaries and the header table are lost: nothing after this can be read as HTTP/2.
        closeMessages();
        stopped = true;
        stream.handOff(Protocols.RAW, new byte[0], 0, 0);
    }

    @Override
    public void close() {
        closeMessages();
        connection.unregister(direction, this);
        reader.close();
        channel.finishAndReleaseAll();
    }

    /**
     * Measured for a connection that has sent its preface and first frames: the dissector, its embedded channel,
     * Netty's frame reader and HPACK decoder, and the shared-field cache.
     */
    static final int BASE_FOOTPRINT = 6_500;
    /**
     * Heap a table entry takes per byte of its HPACK size (name + value + 32): the entry, two AsciiStrings, their
     * arrays and its slot in the table's ring are about 140 bytes besides the characters.
     */
    private static final int TABLE_HEAP_PER_HPACK_BYTE = 5;

    @Override
    public long retainedBytes() {
        long held = BASE_FOOTPRINT + partial.length + partialFrames.footprint() + sharedHeld;
        // The HPACK table holds at most its capacity, and never more than all the fields decoded so far.
        held += TABLE_HEAP_PER_HPACK_BYTE * Math.min(headerDecoder.maxHeaderTableSize(), decodedFieldBytes);
        for (Message m : open.values()) {
            held += m.footprint();
        }
        if (direction == Direction.CLIENT_TO_SERVER) {
            held += connection.footprint();
        }
        return held;
    }

    private void closeMessages() {
        List<Message> left = new ArrayList<>(open.values());
        open.clear();
        for (Message m : left) {
            finish(m, false);
        }
    }

    // ---- the other direction's frames that change this one

    /** The receiver of this direction announced its SETTINGS_MAX_FRAME_SIZE. */
    void receiverMaxFrameSize(int size) {
        int bounded = Math.max(DEFAULT_MAX_FRAME, Math.min(size, MAX_FRAME));
        try {
            reader.maxFrameSize(bounded);
            maxFrame = bounded;
        } catch (Http2Exception e) {
            // Outside the protocol's range: keep the previous bound.
        }
    }

    /** The other side reset this stream: the message this side was sending on it ends here. */
    void reset(int streamId) {
        Message m = open.remove(streamId);
        if (m != null) {
            finish(m, false);
        }
    }

    // ---- frames to messages

    private Message message(int streamId) {
        Message m = open.get(streamId);
        if (m == null) {
            m = new Message(streamId);
            open.put(streamId, m);
            if (open.size() > MAX_OPEN_STREAMS) {
                Iterator<Message> oldest = open.values().iterator();
                Message evicted = oldest.next();
                oldest.remove();
                finish(evicted, false);
            }
        }
        addFrameFrames(m.frames);
        return m;
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                              boolean endOfStream) {
        Message m = message(streamId);
        List<HttpHeader> fields = fields(headers);
        if (m.headers == null) {
            m.start(fields, frameTime);
        } else if (m.informational()) {
            // A 1xx before the final response: reported on its own, the stream goes on.
            open.remove(streamId);
            finish(m, true);
            Message next = message(streamId);
            next.start(fields, frameTime);
            m = next;
        } else {
            m.trailers = fields;
        }
        if (endOfStream) {
            open.remove(streamId);
            finish(m, true);
        }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endOfStream) {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        int processed = data.readableBytes() + padding;
        Message m = message(streamId);
        if (m.headers == null) {
            // DATA before any HEADERS on this stream (a capture of an odd peer): still a body worth showing.
            m.time = frameTime;
        }
        m.body(data);
        if (endOfStream) {
            open.remove(streamId);
            finish(m, true);
        }
        return processed;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        reset(streamId);
        Http2StreamDissector other = connection.dissector(direction.reverse());
        if (other != null) {
            other.reset(streamId);
        }
        control("RST_STREAM", streamId, 0, field("http2.rst_stream.error", errorName(errorCode)));
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
        Integer maxFrameSize = settings.maxFrameSize();
        if (maxFrameSize != null) {
            connection.receiverMaxFrameSize(direction.reverse(), maxFrameSize);
        }
        if (controlFrames) {
            List<Http2FrameSeen.Field> fields = new ArrayList<>();
            for (char id = 1; id <= 9; id++) {
                Long v = settings.get(id);
                if (v != null) {
                    fields.add(new Http2FrameSeen.Field("http2.settings." + settingName(id), Long.toString(v)));
                }
            }
            control("SETTINGS", 0, 0, fields);
        }
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) {
        control("SETTINGS", 0, Http2FrameSeen.ACK, List.of());
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {
        control("PING", 0, 0, field("http2.ping", Long.toHexString(data)));
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) {
        control("PING", 0, Http2FrameSeen.ACK, field("http2.pong", Long.toHexString(data)));
    }

    @Override
    public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId,
                                  Http2Headers headers, int padding) {
        // The promised request pairs with the pushed response that will come on its stream.
        List<HttpHeader> promised = fields(headers);
        connection.request(promisedStreamId, new Http2Connection.RequestHead(HttpHeader.value(promised, ":method"),
                HttpHeader.value(promised, ":path"), frameTime));
        if (controlFrames) {
            List<Http2FrameSeen.Field> fields = new ArrayList<>();
            fields.add(new Http2FrameSeen.Field("http2.push_promise.promised_stream_id",
                    Integer.toString(promisedStreamId)));
            for (HttpHeader h : promised) {
                fields.add(new Http2FrameSeen.Field(h.name(), h.value()));
            }
            control("PUSH_PROMISE", streamId, 0, fields);
        }
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        List<Http2FrameSeen.Field> fields = new ArrayList<>();
        fields.add(new Http2FrameSeen.Field("http2.goaway.last_stream_id", Integer.toString(lastStreamId)));
        fields.add(new Http2FrameSeen.Field("http2.goaway.error", errorName(errorCode)));
        if (debugData.isReadable()) {
            byte[] debug = new byte[Math.min(debugData.readableBytes(), 256)];
            debugData.getBytes(debugData.readerIndex(), debug);
            fields.add(new Http2FrameSeen.Field("http2.goaway.addata", printable(debug)));
        }
        control("GOAWAY", 0, 0, fields);
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        control("WINDOW_UPDATE", streamId, 0,
                field("http2.window_update.window_size_increment", Integer.toString(windowSizeIncrement)));
    }

    @Override
    public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
                               boolean exclusive) {
        control("PRIORITY", streamId, 0, field("http2.stream_dependency", Integer.toString(streamDependency)));
    }

    @Override
    public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
                               ByteBuf payload) {
        control(frameType(frameType & 0xff), streamId, flags.value(), List.of());
    }

    private void control(String type, int streamId, int flags, List<Http2FrameSeen.Field> fields) {
        if (controlFrames) {
            sink.accept(new Http2FrameSeen(flow, direction, frameTime, frameFrames(), type, streamId, flags,
                    frameLength, fields));
        }
    }

    private static List<Http2FrameSeen.Field> field(String name, String value) {
        return List.of(new Http2FrameSeen.Field(name, value));
    }

    // ---- messages to events

    private void finish(Message m, boolean complete) {
        m.finishDecoding(complete);
        Frames frames = m.frames.build();
        long time = m.time >= 0 ? m.time : frameTime;
        HttpBody body = m.body.toBody(m.decoder != null ? m.decoder.coding() : null, false, complete);
        List<HttpHeader> trailers = m.trailers != null ? m.trailers : List.of();
        List<HttpHeader> headers = m.headers != null ? m.headers : List.of();
        if (m.decoder != null && m.decoder.failure() != null) {
            sink.accept(new HttpMalformed(flow, direction, time, frames, "HTTP/2 stream " + m.streamId + ": "
                    + m.decoder.coding() + " " + m.decoder.failure()));
        }
        if (m.isRequest()) {
            Http2Stream http2 = new Http2Stream(m.streamId, trailers, grpc(m, trailers));
            sink.accept(new HttpRequestSeen(flow, direction, time, frames, m.method, m.uri(), "HTTP/2", headers,
                    body, http2));
        } else {
            Http2Connection.RequestHead answered = m.answered;
            Http2Stream http2 = new Http2Stream(m.streamId, trailers, grpc(m, trailers));
            sink.accept(new HttpResponseSeen(flow, direction, time, frames, "HTTP/2", m.status, phrase(m.status),
                    headers, body, answered != null ? answered.method() : null,
                    answered != null ? answered.path() : null, answered != null ? answered.timestampMicros() : -1,
                    http2));
        }
    }

    private GrpcMessages grpc(Message m, List<HttpHeader> trailers) {
        if (m.grpc == null) {
            return null;
        }
        String path = m.path != null ? m.path : m.answered != null ? m.answered.path() : null;
        String service = null;
        String method = null;
        if (path != null) {
            int slash = path.lastIndexOf('/');
            if (slash > 0) {
                service = path.substring(path.startsWith("/") ? 1 : 0, slash);
                method = path.substring(slash + 1);
            }
        }
        // A response's status is in its trailers, or in its headers when it has no body ("trailers-only").
        String status = HttpHeader.value(trailers, "grpc-status");
        String message = HttpHeader.value(trailers, "grpc-message");
        if (status == null && !m.isRequest()) {
            status = HttpHeader.value(m.headers, "grpc-status");
            message = HttpHeader.value(m.headers, "grpc-message");
        }
        int code = -1;
        if (status != null) {
            try {
                code = Integer.parseInt(status.trim());
            } catch (NumberFormatException e) {
                code = -1;
            }
        }
        return m.grpc.result(service, method, code, message != null ? percentDecoded(message) : null);
    }

    /** grpc-message is percent-encoded UTF-8 (a lone '%' stays as it is). */
    private static String percentDecoded(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String phrase(int status) {
        return status > 0 ? HttpResponseStatus.valueOf(status).reasonPhrase() : "";
    }

    private List<HttpHeader> fields(Http2Headers headers) {
        DecodedFields decoded = (DecodedFields) headers;
        HttpHeader[] list = new HttpHeader[decoded.size()];
        long size = 0;
        for (int i = 0; i < list.length; i++) {
            HttpHeader field = header(decoded.name(i), decoded.value(i));
            list[i] = field;
            size += 32 + field.name().length() + field.value().length();
        }
        decodedFieldBytes = Math.min(decodedFieldBytes + size, MAX_HEADER_TABLE);
        return List.of(list);
    }

    /**
     * The decoder hands out the very same name and value objects for a field it takes from the static or dynamic
     * table — most fields of a busy connection. So the same HttpHeader is handed on for them too, and the printers,
     * which keep the encoded line of a recent HttpHeader, print it without encoding it again.
     */
    private HttpHeader header(CharSequence name, CharSequence value) {
        // By content, not identity: a field sent as a literal (nghttpd's content-length, every response) is a new
        // object each time with the same text. The slot comes from lengths and a few characters, cheaper than a hash
        // of every byte; a collision only costs a comparison.
        int nameLength = name.length();
        int valueLength = value.length();
        int mix = nameLength * 131 + valueLength;
        if (nameLength > 1) {
            mix = (mix * 31 + name.charAt(1)) * 31 + name.charAt(nameLength - 1);
        }
        if (valueLength > 0) {
            mix = ((mix * 31 + value.charAt(0)) * 31 + value.charAt(valueLength >> 1)) * 31
                    + value.charAt(valueLength - 1);
        }
        int slot = (mix * 0x9E3779B9) >>> (32 - SHARED_BITS);
        HttpHeader known = shared[slot];
        if (known != null) {
            if (sharedValue[slot] == value && sharedName[slot] == name) {
                return known;
            }
            if (sameText(name, known.name()) && sameText(value, known.value())) {
                return known;
            }
        }
        HttpHeader h = new HttpHeader(name.toString(), value.toString());
        sharedHeld += headerFootprint(h) - (shared[slot] != null ? headerFootprint(shared[slot]) : 0);
        sharedName[slot] = name;
        sharedValue[slot] = value;
        shared[slot] = h;
        return h;
    }

    private static boolean sameText(CharSequence decoded, String known) {
        return decoded instanceof AsciiString a ? a.contentEquals(known) : known.contentEquals(decoded);
    }

    /** The field, its two strings and their arrays (one byte a character for Latin-1). */
    private static long headerFootprint(HttpHeader h) {
        return 112 + h.name().length() + h.value().length();
    }

    private static final int SHARED_BITS = 8;
    private static final int SHARED_HEADERS = 1 << SHARED_BITS;
    private final CharSequence[] sharedName = new CharSequence[SHARED_HEADERS];
    private final CharSequence[] sharedValue = new CharSequence[SHARED_HEADERS];
    private final HttpHeader[] shared = new HttpHeader[SHARED_HEADERS];

    /** One stream's message in this direction, from its HEADERS to END_STREAM. */
    private final class Message {
        final int streamId;
        final Frames.Builder frames = new Frames.Builder();
        long time = -1;
        List<HttpHeader> headers;
        List<HttpHeader> trailers;
        String method;
        String path;
        String authority;
        int status;
        Http2Connection.RequestHead answered;
        final BodyPreview body = new BodyPreview(maxBody);
        ContentDecoder decoder;
        GrpcMessageReader grpc;

        Message(int streamId) {
            this.streamId = streamId;
        }

        void start(List<HttpHeader> fields, long timestampMicros) {
            time = timestampMicros;
            headers = fields;
            String s = null;
            // Pseudo-header fields come first (RFC 9113 §8.3); a block that breaks the rule is still read.
            for (HttpHeader f : fields) {
                String name = f.name();
                if (name.isEmpty() || name.charAt(0) != ':') {
                    continue;
                }
                switch (name) {
                    case ":method" -> method = method == null ? f.value() : method;
                    case ":path" -> path = path == null ? f.value() : path;
                    case ":authority" -> authority = authority == null ? f.value() : authority;
                    case ":status" -> s = s == null ? f.value() : s;
                    default -> { }
                }
            }
            if (s != null) {
                try {
                    status = Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    status = 0;
                }
            }
            if (isRequest()) {
                connection.request(streamId, new Http2Connection.RequestHead(method, uri(), time));
            } else if (!informational()) {
                answered = connection.answered(streamId);
            } else {
                answered = null;
            }
            decoder = ContentDecoder.forCoding(HttpHeader.value(fields, "content-encoding"));
            String type = HttpHeader.value(fields, "content-type");
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/grpc")) {
                grpc = new GrpcMessageReader(Math.min(maxBody, 1024));
            }
        }

        long footprint() {
            long held = 240 + frames.footprint() + body.footprint();
            if (headers != null) {
                held += 16 + 8L * headers.size();
            }
            if (trailers != null) {
                held += 16 + 8L * trailers.size();
            }
            if (decoder != null) {
                held += decoder.footprint();
            }
            if (grpc != null) {
                held += grpc.footprint();
            }
            return held;
        }

        boolean isRequest() {
            return method != null || (status == 0 && direction == Direction.CLIENT_TO_SERVER);
        }

        boolean informational() {
            return status >= 100 && status < 200;
        }

        String uri() {
            return path != null ? path : authority;
        }

        void body(ByteBuf data) {
            if (grpc != null) {
                grpc.read(data.duplicate());
            }
            if (decoder != null) {
                decoder.decode(data, body);
            } else {
                body.append(data);
            }
        }

        void finishDecoding(boolean complete) {
            if (decoder == null) {
                return;
            }
            if (complete) {
                decoder.finish(body);
            } else {
                decoder.flush(body);
            }
        }
    }

    // ---- names

    private static String frameType(int type) {
        return type < FRAME_TYPES.length ? FRAME_TYPES[type] : String.format("UNKNOWN_0x%02x", type);
    }

    static String errorName(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e != null ? e.name() : "0x" + Long.toHexString(code);
    }

    private static String settingName(char id) {
        return switch (id) {
            case 1 -> "header_table_size";
            case 2 -> "enable_push";
            case 3 -> "max_concurrent_streams";
            case 4 -> "initial_window_size";
            case 5 -> "max_frame_size";
            case 6 -> "max_header_list_size";
            case 8 -> "enable_connect_protocol";
            case 9 -> "no_rfc7540_priorities";
            default -> "0x" + Integer.toHexString(id);
        };
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return sb.toString();
    }
}
