package analyzer.dissect.websocket;

import analyzer.dissect.BodyPreview;
import analyzer.dissect.BoundedInflater;
import analyzer.dissect.ContentDecoder;
import analyzer.dissect.EventSink;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpUpgrade;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.dissect.Protocols;
import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One direction of a WebSocket connection (RFC 6455): frames are read as they arrive — a payload is unmasked and,
 * under permessage-deflate (RFC 7692), inflated on the way, counted and kept only up to --max-body — so a frame of
 * any size costs no more memory than a small one. Data frames are reassembled into messages; control frames
 * (close, ping, pong) are reported as they come, even between the fragments of a message.
 *
 * <p>Framing is read here rather than by Netty's WebSocket decoder, which holds a whole frame before handing it on
 * and stops for good past its size limit; a passive reader must follow a 20 MB frame and a lying length alike.
 * Inflating follows RFC 7692 with the JDK's Inflater, one per direction, kept across messages unless the
 * sender agreed to no context takeover. Bounded: a message inflating past {@link #MAX_INFLATED} is reported
 * truncated and later compressed messages of that direction are shown as sent (their context is gone).
 */
final class WebSocketStreamDissector implements StreamDissector {

    /** Inflated bytes per message worth producing for display and secret search: a deflate bomb stops here. */
    static final long MAX_INFLATED = ContentDecoder.MAX_DECODED;
    /** Control frames carry at most 125 bytes (RFC 6455 5.5). */
    private static final int MAX_CONTROL = 125;
    private static final byte[] DEFLATE_TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xa;

    private final StreamContext stream;
    private final EventSink sink;
    private final Flow flow;
    private final Direction direction;
    private final int maxBody;
    private final boolean deflate;
    private final boolean freshContextPerMessage;

    // The frame being read.
    private final byte[] header = new byte[14];
    private int headerFill;
    private boolean fin;
    private boolean rsv1;
    private int opcode;
    private boolean masked;
    private final byte[] maskKey = new byte[4];
    private long remaining;
    private long maskPosition;
    private boolean frameIsControl;
    private long frameTime;
    private final Frames.Builder frameFrames = new Frames.Builder();
    private final byte[] control = new byte[MAX_CONTROL];
    private int controlFill;
    private long controlLength;

    // The data message being reassembled.
    private boolean inMessage;
    private int messageOpcode;
    private boolean messageCompressed;
    private boolean messageMasked;
    private int fragments;
    private long wireLength;
    private long messageTime;
    private final Frames.Builder messageFrames = new Frames.Builder();
    private final BodyPreview payload;
    private String messageProblem;

    private BoundedInflater inflater;
    private boolean contextLost;
    private final byte[] scratch = new byte[2048];

    private boolean stopped;

    WebSocketStreamDissector(StreamContext stream) {
        this.stream = stream;
        this.sink = stream.sink();
        this.flow = stream.flow();
        this.direction = stream.direction();
        this.maxBody = stream.options().maxBody();
        this.payload = new BodyPreview(maxBody);
        DeflateParameters deflate = stream.connection().state(DeflateParameters.class,
                () -> DeflateParameters.from(stream.connection().findState(HttpUpgrade.class)));
        this.deflate = deflate.enabled();
        this.freshContextPerMessage = direction == Direction.CLIENT_TO_SERVER ? deflate.clientNoContextTakeover()
                : deflate.serverNoContextTakeover();
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        int pos = offset;
        int end = offset + length;
        while (pos < end && !stopped) {
            if (remaining == 0 && !inPayload) {
                pos = readHeader(data, pos, end, frame, timestampMicros);
                continue;
            }
            int n = (int) Math.min(remaining, end - pos);
            frameFrames.add(frame);
            if (!frameIsControl) {
                messageFrames.add(frame);
            }
            payload(data, pos, n);
            pos += n;
            remaining -= n;
            if (remaining == 0) {
                endFrame();
            }
        }
    }

    @Override
    public long retainedBytes() {
        return 800 + scratch.length + control.length + frameFrames.footprint() + messageFrames.footprint()
                + payload.footprint() + (inflater != null ? inflater.footprint() : 0);
    }

    /** Set from a complete header until the frame's payload is read (a frame may have an empty payload). */
    private boolean inPayload;

    private int readHeader(byte[] data, int pos, int end, long frame, long timestampMicros) {
        if (headerFill == 0) {
            frameTime = timestampMicros;
            frameFrames.clear();
        }
        frameFrames.add(frame);
        int needed = headerLength();
        while (headerFill < needed && pos < end) {
            header[headerFill++] = data[pos++];
            needed = headerLength();
        }
        if (headerFill < needed) {
            return pos;
        }
        startFrame();
        if (stopped) {
            // The bytes after a header that cannot be right are reported as they are.
            stream.handOff(Protocols.RAW, data, pos, end - pos);
            return end;
        }
        if (remaining == 0) {
            endFrame();
        }
        return pos;
    }

    /** 2 bytes, then the extended length (2 or 8 bytes) and the masking key (4) the first 2 announce. */
    private int headerLength() {
        if (headerFill < 2) {
            return 2;
        }
        int len7 = header[1] & 0x7f;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    private void startFrame() {
        int b0 = header[0] & 0xff;
        int b1 = header[1] & 0xff;
        fin = (b0 & 0x80) != 0;
        rsv1 = (b0 & 0x40) != 0;
        opcode = b0 & 0x0f;
        masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7f;
        int at = 2;
        long length;
        if (len7 == 126) {
            length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            at = 4;
        } else if (len7 == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (header[2 + i] & 0xff);
            }
            at = 10;
            if (length < 0) {
                stop("frame claims " + Long.toUnsignedString(length)
                        + " bytes: a length's most significant bit must be 0 (RFC 6455 5.2)");
                return;
            }
        } else {
            length = len7;
        }
        if (masked) {
            System.arraycopy(header, at, maskKey, 0, 4);
        }
        headerFill = 0;
        remaining = length;
        maskPosition = 0;
        inPayload = true;
        if ((b0 & 0x30) != 0) {
            problem("RSV2/RSV3 set: an extension that was not negotiated");
        }
        frameIsControl = opcode >= 0x8;
        if (frameIsControl) {
            controlFill = 0;
            controlLength = length;
            if (length > MAX_CONTROL || !fin) {
                problem("control frame " + typeName(opcode) + (length > MAX_CONTROL ? " of " + length
                        + " bytes (at most 125 allowed)" : " fragmented (not allowed)"));
            }
            return;
        }
        if (opcode == CONTINUATION) {
            if (!inMessage) {
                problem("continuation frame without a message to continue");
                beginMessage(BINARY, false);
            }
        } else {
            if (inMessage) {
                problem("new " + typeName(opcode) + " message before the previous one ended");
                finishMessage(false);
            }
            beginMessage(opcode, rsv1);
        }
        fragments++;
        Frames header = frameFrames.build();
        for (int i = 0; i < header.size(); i++) {
            messageFrames.add(header.get(i));
        }
        messageMasked |= masked;
    }

    private void beginMessage(int type, boolean compressed) {
        inMessage = true;
        messageOpcode = type;
        messageCompressed = compressed;
        messageMasked = false;
        fragments = 0;
        wireLength = 0;
        messageTime = frameTime;
        messageFrames.clear();
        payload.reset();
        if (inflater != null) {
            inflater.restartCount();
        }
        inflatedLength = 0;
        messageProblem = null;
        if (compressed && !deflate) {
            problem("compressed (RSV1) though permessage-deflate was not negotiated: shown as sent");
            messageCompressed = false;
        } else if (compressed && contextLost) {
            messageProblem = "not inflated: the compression context was lost earlier";
            messageCompressed = false;
        }
    }

    /** Unmasks (and for a compressed message inflates) a piece of the payload. */
    private void payload(byte[] data, int pos, int n) {
        while (n > 0) {
            int chunk = Math.min(n, scratch.length);
            for (int i = 0; i < chunk; i++) {
                byte b = data[pos + i];
                scratch[i] = masked ? (byte) (b ^ maskKey[(int) (maskPosition++ & 3)]) : b;
            }
            if (frameIsControl) {
                int keep = Math.min(chunk, control.length - controlFill);
                System.arraycopy(scratch, 0, control, controlFill, keep);
                controlFill += keep;
            } else {
                wireLength += chunk;
                if (messageCompressed) {
                    inflate(scratch, 0, chunk);
                } else {
                    payload.append(scratch, 0, chunk);
                }
            }
            pos += chunk;
            n -= chunk;
        }
    }

    private void inflate(byte[] bytes, int offset, int length) {
        if (messageProblem != null) {
            return;
        }
        if (inflater == null) {
            inflater = new BoundedInflater(true, MAX_INFLATED);
        }
        if (!inflater.inflate(bytes, offset, length, payload)) {
            messageProblem = inflater.failure();
            inflatedLength = inflater.produced();
            loseContext();
        }
    }

    /** Inflated bytes of the message so far (kept when the inflater is let go). */
    private long inflatedLength;

    private void loseContext() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        if (!freshContextPerMessage) {
            contextLost = true;
        }
    }

    private void endFrame() {
        inPayload = false;
        if (frameIsControl) {
            control();
            return;
        }
        if (fin) {
            finishMessage(true);
        }
    }

    private void control() {
        int code = -1;
        String reason = null;
        byte[] shown = Arrays.copyOf(control, Math.min(controlFill, maxBody));
        boolean text = BodyPreview.looksLikeText(shown, false);
        if (opcode == CLOSE && controlFill >= 2) {
            code = ((control[0] & 0xff) << 8) | (control[1] & 0xff);
            reason = new String(control, 2, controlFill - 2, StandardCharsets.UTF_8);
        }
        sink.accept(new WebSocketMessageSeen(flow, direction, frameTime, frameFrames.build(), typeName(opcode), 1,
                masked, false, controlLength, controlLength, shown, text, code, reason, true));
    }

    private void finishMessage(boolean complete) {
        if (!inMessage) {
            return;
        }
        inMessage = false;
        if (messageCompressed && complete && messageProblem == null) {
            // RFC 7692 7.2.2: the sender removed the empty stored block that ends each message; put it back.
            inflate(DEFLATE_TAIL, 0, DEFLATE_TAIL.length);
        }
        long length = !messageCompressed ? wireLength : inflater != null ? inflater.produced() : inflatedLength;
        if (inflater != null && inflater.finished()) {
            // The sender ended its deflate stream (BFINAL): the next message starts a new one.
            inflater.end();
            inflater = null;
        }
        if (messageCompressed && (freshContextPerMessage || !complete) && inflater != null) {
            if (!complete && !freshContextPerMessage) {
                contextLost = true;
            }
            inflater.end();
            inflater = null;
        }
        byte[] shown = payload.toBody(null, false, complete).shown();
        boolean text = messageOpcode == TEXT ? BodyPreview.looksLikeText(shown, payload.length() > shown.length)
                : false;
        Frames frames = messageFrames.build();
        sink.accept(new WebSocketMessageSeen(flow, direction, messageTime, frames, typeName(messageOpcode),
                fragments, messageMasked, messageCompressed, wireLength, length, shown, text, -1, null, complete));
        if (messageProblem != null) {
            sink.accept(new ProtocolMalformed(flow, direction, messageTime, frames, "WebSocket",
                    typeName(messageOpcode) + " message: " + messageProblem));
        }
    }

    private void problem(String reason) {
        sink.accept(new ProtocolMalformed(flow, direction, frameTime, frameFrames.build(), "WebSocket", reason));
    }

    /** Frame boundaries are lost: later bytes of this direction are raw (the caller hands them over). */
    private void stop(String reason) {
        problem(reason);
        stopped = true;
        finishMessage(false);
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        finishMessage(false);
        stopped = true;
        stream.handOff(Protocols.RAW, new byte[0], 0, 0);
    }

    @Override
    public void close() {
        finishMessage(false);
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }

    static String typeName(int opcode) {
        return switch (opcode) {
            case TEXT -> "text";
            case BINARY -> "binary";
            case CLOSE -> "close";
            case PING -> "ping";
            case PONG -> "pong";
            default -> String.format("opcode 0x%x", opcode);
        };
    }
}
