package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.x in one direction, parsed by Netty's codec in an {@link EmbeddedChannel} that lives as long as the
 * stream: decoder → body collector, which removes a content coding with {@link ContentDecoder}. Heads are read
 * as the decoder emits them.
 *
 * <p>Events are the messages the codec produced; their first-byte time and frames come from the deliveries fed
 * while each message was being read: the decoder's unread byte count tells, when a message ends, whether the
 * next one already started in the same delivery. The stream stops being HTTP after a CONNECT exchange (a tunnel:
 * what follows is detected again), a 101 response (the rest of both directions goes to the protocol its
 * {@code Upgrade} names when one is registered for it, else to detection) or a parse failure (resynchronised at
 * the next line that starts a message); the bytes the codec did not parse go with the hand-off.
 *
 * <p>Between messages, when the codec holds nothing, a delivery that starts with complete plain messages (see
 * {@link PlainHttpMessage}) has them read directly, with the same events; the codec, created on first need,
 * reads everything else from where that stops.
 */
final class HttpStreamDissector implements StreamDissector {

    /**
     * CONTINUE: still HTTP. TUNNEL: a CONNECT exchange ended, the rest of this direction is something else.
     * SWITCHED_PROTOCOLS: a 101 response ended, the rest of both directions is something else. MALFORMED: the
     * stream stopped parsing as HTTP.
     */
    private enum Outcome { CONTINUE, TUNNEL, SWITCHED_PROTOCOLS, MALFORMED }

    private static final byte[] NOTHING = new byte[0];
    private static final String COLLECTOR = "body";

    /** Off only in tests, which compare the direct path for plain messages with the codec alone. */
    static volatile boolean plainMessagesDirect = true;

    private final StreamContext stream;
    private final EventSink sink;
    private final Flow flow;
    private final Direction direction;
    private final boolean requests;
    private final PendingRequests pending;
    /** Shared: the decoders read it when they are made. */
    private static final HttpDecoderConfig CONFIG = new HttpDecoderConfig()
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(64 * 1024)
            .setMaxChunkSize(64 * 1024);
    /** The codec, created when a message first needs it (see {@link PlainHttpMessage}). */
    private EmbeddedChannel channel;
    private StreamDecoder decoder;
    private final PlainHttpMessage plain = new PlainHttpMessage();
    private final List<Event> ready = new ArrayList<>(4);

    /** The delivery being fed. */
    private long currentFrame;
    private long currentTime;
    /**
     * Frames and first time of the message that has not started yet. A message ends inside the delivery being
     * fed, so the next one starts in that delivery or a later one: no longer history is needed.
     */
    private Frames.Builder nextFrames = new Frames.Builder();
    private long nextTime = -1;

    private boolean inMessage;
    private long messageTime;
    private Frames.Builder messageFrames = new Frames.Builder();
    /** The head of the message being read. */
    private boolean isRequest;
    private String headVersion;
    private String headMethod;
    private String headUri;
    private int headCode;
    private String headPhrase;
    private List<HttpHeader> headers;
    /** Removes the content coding of the message being read; null when it has none we decode. */
    private ContentDecoder contentDecoder;
    private boolean chunked;
    private PendingRequests.Request answered;
    private boolean tunnelAfterMessage;
    private final BodyPreview body;

    private Outcome outcome = Outcome.CONTINUE;
    private boolean handedOff;
    /** The headers of the 101 response that ended HTTP/1 on this connection. */
    private List<HttpHeader> switchHeaders;
    private boolean closing;
    /** The stream ended while Netty's decoder was reading a head whose lines it had already taken. */
    private boolean headCutShort;
    /** Bytes went missing: the order of requests and responses is lost once this dissector has closed. */
    private boolean forgetPendingOnClose;
    private byte[] leftover = NOTHING;

    HttpStreamDissector(StreamContext stream, boolean requests) {
        this.stream = stream;
        this.sink = stream.sink();
        this.flow = stream.flow();
        this.direction = stream.direction();
        this.requests = requests;
        this.pending = stream.connection().state(PendingRequests.class, PendingRequests::new);
        this.body = new BodyPreview(stream.options().maxBody());
    }

    /**
     * Heap Netty's codec takes once made (the EmbeddedChannel, its pipeline and the two decoders' parsers), before
     * any bytes it holds. Measured with the reassembler's tracking (see bench/flows.sh); rounded up.
     */
    static final int CODEC_FOOTPRINT = 3_200;

    /**
     * Bytes fed to the codec since the last message ended, while no head was complete: the codec keeps what it
     * parsed of them as header strings (two bytes a character, and an entry each) until the head ends.
     */
    private long headBytes;
    /** The same for the head of the message being read, kept while its body is. */
    private long heldHeadBytes;

    @Override
    public long retainedBytes() {
        long held = 600 + nextFrames.footprint() + messageFrames.footprint() + body.footprint() + leftover.length
                + plain.footprint() + (contentDecoder != null ? contentDecoder.footprint() : 0);
        if (channel != null) {
            long head = Math.min(headBytes, CONFIG.getMaxHeaderSize() + CONFIG.getMaxInitialLineLength());
            held += CODEC_FOOTPRINT + 2L * decoder.unreadBytes() + 4 * (head + heldHeadBytes);
        } else if (headers != null) {
            held += 64L * headers.size();
        }
        return held;
    }

    private EmbeddedChannel codec() {
        if (channel == null) {
            decoder = requests ? new RequestDecoder(CONFIG) : new ResponseDecoder(CONFIG);
            channel = new EmbeddedChannel((io.netty.channel.ChannelHandler) decoder);
            channel.pipeline().addLast(COLLECTOR, new BodyCollector());
            channel.pipeline().addLast(new FailureKeeper());
        }
        return channel;
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        recordChunk(frame, timestampMicros);
        if (outcome == Outcome.CONTINUE && !inMessage && (channel == null || decoder.unreadBytes() == 0)
                && plainMessagesDirect) {
            // Between messages, with nothing held by the codec: plain complete messages are read directly.
            int end = offset + length;
            while (offset < end && plain.scan(data, offset, end - offset, requests) && plainMessage(data, end)) {
                offset = plain.end;
            }
            length = end - offset;
            if (length == 0) {
                drainTo(sink);
                handOffWhenDone();
                return;
            }
        }
        EmbeddedChannel channel = codec();
        ByteBuf buf = channel.alloc().buffer(length);
        buf.writeBytes(data, offset, length);
        if (!inMessage) {
            headBytes += length;
        }
        channel.writeInbound(buf);
        if (failure != null) {
            // The codec chain threw: the message is cut short, the stream resyncs.
            if (inMessage) {
                finishMessage(false);
            }
            malformed("content could not be decoded: " + describe(failure));
            failure = null;
        }
        drainTo(sink);
        handOffWhenDone();
    }

    /** Once the stream stopped being HTTP/1: the bytes the codec did not parse go to what comes next. */
    private void handOffWhenDone() {
        if (outcome == Outcome.CONTINUE || handedOff) {
            return;
        }
        handedOff = true;
        byte[] rest = leftover;
        leftover = NOTHING;
        switch (outcome) {
            case MALFORMED -> stream.resync(Http1Protocol.INSTANCE, rest, 0, rest.length,
                    Http1Protocol.nextLineStart(rest, 0, rest.length));
            case TUNNEL -> stream.detectAgain(rest, 0, rest.length);
            case SWITCHED_PROTOCOLS -> switchProtocols(rest);
            default -> { }
        }
    }

    /**
     * A 101 ended HTTP/1 both ways: the client's side, still reading HTTP/1, switches at once; both go to the
     * protocol the response's Upgrade header names, when one is registered for it (its dissectors find the
     * exchange in {@link HttpUpgrade}), else to detection.
     */
    private void switchProtocols(byte[] rest) {
        String token = HttpHeader.value(switchHeaders, "Upgrade");
        StreamProtocol next = stream.protocols().forUpgrade(token);
        if (next != null) {
            stream.connection().setState(HttpUpgrade.class, new HttpUpgrade(token.trim(), answered(),
                    switchHeaders));
        }
        StreamContext peer = stream.peer();
        if (peer.protocol() == Http1Protocol.INSTANCE) {
            if (next != null) {
                peer.handOff(next, NOTHING, 0, 0);
            } else {
                peer.detectAgain(NOTHING, 0, 0);
            }
        }
        if (next != null) {
            stream.handOff(next, rest, 0, rest.length);
        } else {
            stream.detectAgain(rest, 0, rest.length);
        }
    }

    private PendingRequests.Request answered() {
        return switchAnswered != null ? switchAnswered : PendingRequests.UNKNOWN;
    }

    /** The request the 101 answered. */
    private PendingRequests.Request switchAnswered;

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        forgetPendingOnClose = true;
        stream.resync(Http1Protocol.INSTANCE, NOTHING, 0, 0, 0);
    }

    /** The stream ended or broke: a message in progress is reported incomplete; buffers are released. */
    @Override
    public void close() {
        closeCodec();
        if (forgetPendingOnClose) {
            pending.clear();
        }
    }

    private void closeCodec() {
        if (closing) {
            return;
        }
        closing = true;
        boolean headStarted = channel != null && !inMessage && decoder.unreadBytes() > 0;
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        if (inMessage) {
            finishMessage(false);
        } else if (headStarted || headCutShort) {
            // What was sent of a head is on the wire all the same: a sniffer must not pass over it in silence.
            malformed("the stream ended inside a " + (requests ? "request" : "response") + " head");
        }
        drainTo(sink);
    }

    private void drainTo(EventSink sink) {
        if (ready.isEmpty()) {
            return;
        }
        for (int i = 0; i < ready.size(); i++) {
            sink.accept(ready.get(i));
        }
        ready.clear();
    }

    private void recordChunk(long frame, long timestampMicros) {
        currentFrame = frame;
        currentTime = timestampMicros;
        if (inMessage) {
            messageFrames.add(frame);
            nextFrames.clear();
            nextTime = -1;
        }
        nextFrames.add(frame);
        if (nextTime < 0) {
            nextTime = timestampMicros;
        }
    }

    /** The message starting now takes the frames gathered for it so far. */
    private void takeNextFrames() {
        Frames.Builder swap = messageFrames;
        messageFrames = nextFrames;
        nextFrames = swap;
        nextFrames.clear();
        messageTime = nextTime >= 0 ? nextTime : currentTime;
        if (messageFrames.isEmpty()) {
            messageFrames.add(currentFrame);
        }
        nextTime = -1;
    }

    /** After a message ends, the next one starts in the current delivery if bytes of it remain unparsed. */
    private void markMessageEnd(boolean moreInDelivery) {
        nextFrames.clear();
        nextTime = -1;
        if (moreInDelivery) {
            nextFrames.add(currentFrame);
            nextTime = currentTime;
        }
    }

    /**
     * The headers as they were on the wire. Taken when the decoder asks whether the body is always empty: after
     * parsing, before it drops Transfer-Encoding from bodiless responses and Content-Length next to chunked.
     */
    private List<HttpHeader> wireHeaders;

    private void snapshotHeaders(HttpMessage message) {
        List<HttpHeader> list = new ArrayList<>(message.headers().size());
        for (Map.Entry<String, String> h : message.headers()) {
            list.add(new HttpHeader(h.getKey(), h.getValue()));
        }
        wireHeaders = Collections.unmodifiableList(list);
    }

    private void startMessage(HttpMessage message) {
        heldHeadBytes = Math.min(headBytes, CONFIG.getMaxHeaderSize() + CONFIG.getMaxInitialLineLength());
        headBytes = 0;
        if (wireHeaders == null) {
            snapshotHeaders(message);
        }
        List<HttpHeader> heads = wireHeaders;
        wireHeaders = null;
        String version = message.protocolVersion().text();
        if (message instanceof HttpRequest request) {
            beginRequest(request.method().name(), request.uri(), version, heads);
        } else {
            ResponseDecoder responses = (ResponseDecoder) decoder;
            HttpResponse response = (HttpResponse) message;
            beginResponse(version, response.status().code(), response.status().reasonPhrase(), heads,
                    responses.answered, responses.tunnelAfterMessage);
        }
        contentDecoder = ContentDecoder.forCoding(HttpHeader.value(heads, "Content-Encoding"));
        chunked = HttpUtil.isTransferEncodingChunked(message);
    }

    private void beginMessage(String version, List<HttpHeader> wire) {
        takeNextFrames();
        inMessage = true;
        headVersion = version;
        headers = wire;
        if (contentDecoder != null) {
            contentDecoder.close();
            contentDecoder = null;
        }
        chunked = false;
        body.reset();
    }

    private void beginRequest(String method, String uri, String version, List<HttpHeader> wire) {
        beginMessage(version, wire);
        isRequest = true;
        headMethod = method;
        headUri = uri;
        PendingRequests.Request seen = new PendingRequests.Request(method, uri, messageTime);
        pending.add(seen);
        tunnelAfterMessage = "CONNECT".equals(method);
    }

    private void beginResponse(String version, int code, String phrase, List<HttpHeader> wire,
                               PendingRequests.Request answers, boolean tunnel) {
        beginMessage(version, wire);
        isRequest = false;
        headCode = code;
        headPhrase = phrase;
        answered = answers != null ? answers : PendingRequests.UNKNOWN;
        tunnelAfterMessage = tunnel;
    }

    /**
     * The plain message just scanned, unless the request it answers changes how it is read (HEAD: no body;
     * CONNECT: a tunnel follows); then the codec reads it.
     */
    private boolean plainMessage(byte[] data, int deliveryEnd) {
        PlainHttpMessage m = plain;
        if (requests) {
            beginRequest(m.method, m.uri, m.version, m.headers);
        } else {
            PendingRequests.Request next = pending.peek();
            if (next != null && ("HEAD".equals(next.method()) || "CONNECT".equals(next.method()))) {
                return false;
            }
            beginResponse(m.version, m.code, m.phrase, m.headers, pending.poll(), false);
        }
        body.append(data, m.bodyOffset, m.bodyLength);
        finishMessage(true, m.end < deliveryEnd);
        return true;
    }

    private void finishMessage(boolean complete) {
        finishMessage(complete, !closing && decoder.unreadBytes() > 0);
    }

    private void finishMessage(boolean complete, boolean moreInDelivery) {
        heldHeadBytes = 0;
        if (!closing) {
            markMessageEnd(moreInDelivery);
        }
        inMessage = false;
        String decodedFrom = null;
        if (contentDecoder != null) {
            decodedFrom = contentDecoder.coding();
            if (!complete) {
                contentDecoder.flush(body);
            }
            contentDecoder.close();
            contentDecoder = null;
        }
        HttpBody httpBody = body.toBody(decodedFrom, chunked, complete);
        Frames frames = messageFrames.build();
        if (isRequest) {
            ready.add(new HttpRequestSeen(flow, direction, messageTime, frames, headMethod, headUri,
                    headVersion, headers, httpBody));
        } else {
            ready.add(new HttpResponseSeen(flow, direction, messageTime, frames, headVersion, headCode,
                    headPhrase, headers, httpBody,
                    answered.method(), answered.uri(), answered.timestampMicros()));
        }
        if (tunnelAfterMessage && complete && outcome == Outcome.CONTINUE) {
            outcome = !isRequest && headCode == 101 ? Outcome.SWITCHED_PROTOCOLS : Outcome.TUNNEL;
            if (outcome == Outcome.SWITCHED_PROTOCOLS) {
                switchHeaders = headers;
                switchAnswered = answered;
            }
        }
        headMethod = null;
        headUri = null;
        headPhrase = null;
        headers = null;
        answered = null;
    }

    private void malformed(String reason) {
        if (outcome != Outcome.CONTINUE) {
            return;
        }
        long time = nextTime >= 0 ? nextTime : currentTime;
        Frames frames = nextFrames.isEmpty() ? RawStreamDissector.framesOf(currentFrame) : nextFrames.build();
        ready.add(new HttpMalformed(flow, direction, time, frames, reason));
        outcome = Outcome.MALFORMED;
    }

    private static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message != null ? message : cause.getClass().getSimpleName();
    }

    /**
     * The end of the codec chain: keeps the first exception a handler raised for {@link #data} to report.
     * Left to the EmbeddedChannel, a second exception in the same write is logged by Netty with its stack trace.
     */
    private Throwable failure;

    private final class FailureKeeper extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null && !closing) {
                failure = cause;
            }
        }
    }

    /** Counts and keeps body bytes after content decoding; ends messages. */
    private final class BodyCollector extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!inMessage) {
                    // At the end, Netty's decoder says so of a head whose lines it had begun to take.
                    headCutShort |= closing && msg instanceof HttpMessage m && m.decoderResult().isFailure()
                            && m.decoderResult().cause() instanceof PrematureChannelClosureException;
                    return;
                }
                if (msg instanceof HttpContent content) {
                    boolean last = content instanceof LastHttpContent;
                    if (contentDecoder == null) {
                        body.append(content.content());
                    } else if (!decoded(content.content(), last)) {
                        return;
                    }
                    if (last) {
                        finishMessage(true);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /**
     * Decodes a piece of the body; false once the coding proved corrupt (or decoded past its bound): then the
     * message ends cut short, a malformed event says why, and the stream resyncs from where the codec is.
     */
    private boolean decoded(ByteBuf content, boolean last) {
        ContentDecoder d = contentDecoder;
        d.decode(content, body);
        if (last && d.failure() == null) {
            d.finish(body);
        }
        if (d.failure() == null) {
            return true;
        }
        String reason = d.coding() + " " + d.failure();
        finishMessage(false);
        malformed(reason);
        return false;
    }

    /** What both decoders add to Netty's: their unread byte count, and stopping where HTTP stops. */
    private interface StreamDecoder {
        long unreadBytes();
    }

    /**
     * Called after each decode step. Once the stream has stopped being HTTP, the rest of the input is kept aside
     * instead of parsed. A failed step is reported, and the bytes it looked at are kept for resynchronisation
     * (Netty skips them). A new message head is recorded before content decoding can rewrite its headers.
     */
    private void afterDecode(ByteBuf in, List<Object> out, int readerBefore, int outBefore) {
        if (outcome != Outcome.CONTINUE) {
            if (leftover.length == 0 && in.isReadable() && !closing) {
                keepLeftover(in, in.readerIndex());
            }
            for (int i = out.size() - 1; i >= outBefore; i--) {
                ReferenceCountUtil.release(out.remove(i));
            }
            return;
        }
        int produced = out.size();
        if (produced == outBefore) {
            return;
        }
        Object last = out.get(produced - 1);
        boolean failed = last instanceof DecoderResultProvider provider && provider.decoderResult().isFailure();
        // Heads first: a step may parse a head and then fail on what follows it (a bad chunk size).
        for (int i = outBefore; i < (failed ? produced - 1 : produced); i++) {
            if (out.get(i) instanceof HttpMessage message) {
                startMessage(message);
            }
        }
        if (!failed) {
            return;
        }
        DecoderResult result = ((DecoderResultProvider) last).decoderResult();
        ReferenceCountUtil.release(out.remove(produced - 1));
        wireHeaders = null;
        if (!closing) {
            keepLeftover(in, readerBefore);
        }
        if (inMessage) {
            finishMessage(false);
        } else if (requests && !closing) {
            // The server will likely answer the broken request (400): keep later responses paired right.
            pending.add(PendingRequests.UNKNOWN);
        }
        if (!closing) {
            malformed(describe(result.cause()));
        }
    }

    private void keepLeftover(ByteBuf in, int from) {
        int n = in.writerIndex() - from;
        byte[] bytes = new byte[n];
        in.getBytes(from, bytes);
        leftover = bytes;
        in.readerIndex(in.writerIndex());
    }

    private boolean stopped() {
        // After a failure Netty's decoder discards input until reset; we stop feeding it instead.
        return outcome != Outcome.CONTINUE;
    }

    private final class RequestDecoder extends HttpRequestDecoder implements StreamDecoder {
        RequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int before = in.readerIndex();
            int outBefore = out.size();
            if (!stopped()) {
                super.decode(ctx, in, out);
            }
            afterDecode(in, out, before, outBefore);
        }

        @Override
        public long unreadBytes() {
            return actualReadableBytes();
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            snapshotHeaders(msg);
            return super.isContentAlwaysEmpty(msg);
        }
    }

    private final class ResponseDecoder extends HttpResponseDecoder implements StreamDecoder {
        /** The request the response being decoded answers, chosen when its head is parsed. */
        PendingRequests.Request answered;
        boolean tunnelAfterMessage;

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int before = in.readerIndex();
            int outBefore = out.size();
            if (!stopped()) {
                super.decode(ctx, in, out);
            }
            afterDecode(in, out, before, outBefore);
        }

        @Override
        public long unreadBytes() {
            return actualReadableBytes();
        }

        /** As HttpClientCodec does: the body of a response depends on the request it answers. */
        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            snapshotHeaders(msg);
            int code = ((HttpResponse) msg).status().code();
            tunnelAfterMessage = false;
            if (code >= 100 && code < 200 && code != 101) {
                // An interim response (100 Continue, 103 Early Hints): the final one still answers the request.
                answered = pending.peek();
                return super.isContentAlwaysEmpty(msg);
            }
            answered = pending.poll();
            if (code == 101) {
                tunnelAfterMessage = true;
                return true;
            }
            if (answered != null) {
                if ("HEAD".equals(answered.method())) {
                    return true;
                }
                if ("CONNECT".equals(answered.method()) && code >= 200 && code < 300) {
                    tunnelAfterMessage = true;
                    return true;
                }
            }
            return super.isContentAlwaysEmpty(msg);
        }

        /** Switching protocols is handled by ending the HTTP stream (see tunnelAfterMessage). */
        @Override
        protected boolean isSwitchingToNonHttp1Protocol(HttpResponse msg) {
            return false;
        }
    }
}
