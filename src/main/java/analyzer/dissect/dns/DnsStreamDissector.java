package analyzer.dissect.dns;

import analyzer.dissect.Frames;
import analyzer.dissect.Protocols;
import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.dissect.session.SessionPeer;
import java.util.Arrays;

/**
 * One direction of DNS over TCP, message by message: the two-byte length, then the message, parsed as a datagram's
 * is (strictly: it must fill its length exactly). A message is held until complete — at most 65 535 bytes, the
 * most a length can say; its buffer grows with what has arrived, so a length alone costs nothing. One that does
 * not parse means the stream is not (or no longer) DNS: it is reported malformed and the rest of the direction raw.
 */
final class DnsStreamDissector implements StreamDissector {

    static final String NAME = "DNS";
    private static final byte[] EMPTY = new byte[0];
    /** What the buffer starts at; most queries and answers fit. */
    private static final int FIRST_BUFFER = 512;

    private final StreamContext stream;
    private final byte[] length = new byte[2];
    private int lengthFill;
    /** The length of the message being read, or -1 between messages. */
    private int expected = -1;
    private byte[] message = EMPTY;
    private int messageFill;
    private Frames.Builder frames = new Frames.Builder();
    /** Frames added to {@link #frames} since it was made: its array's size is at most twice this. */
    private int framesAdded;
    private long lastFrame;
    private long lastTimestampMicros;

    DnsStreamDissector(StreamContext stream) {
        this.stream = stream;
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        SessionPeer.claim(stream, DnsTcpProtocol.INSTANCE);
        lastTimestampMicros = timestampMicros;
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (frame != lastFrame) {
                frames.add(frame);
                lastFrame = frame;
                framesAdded++;
            }
            if (expected < 0) {
                int n = Math.min(2 - lengthFill, end - pos);
                System.arraycopy(data, pos, this.length, lengthFill, n);
                lengthFill += n;
                pos += n;
                if (lengthFill < 2) {
                    return;
                }
                lengthFill = 0;
                expected = DnsTcpProtocol.u16(this.length, 0);
                messageFill = 0;
            }
            int n = Math.min(expected - messageFill, end - pos);
            if (messageFill + n > message.length) {
                message = Arrays.copyOf(message, Math.min(expected,
                        Math.max(messageFill + n, Math.max(FIRST_BUFFER, message.length * 2))));
            }
            System.arraycopy(data, pos, message, messageFill, n);
            messageFill += n;
            pos += n;
            if (messageFill == expected) {
                int size = expected;
                expected = -1;
                Frames crossed = frames.build();
                forgetFrames();
                DnsMessage parsed = DnsMessage.parse(message, 0, size);
                if (message.length > FIRST_BUFFER) {
                    message = EMPTY; // a large message's buffer is not kept for the next, usually small, one
                }
                if (parsed == null) {
                    malformed(crossed, timestampMicros, "a message of " + size
                            + " bytes that is not DNS; the rest is shown raw");
                    stream.handOff(Protocols.RAW, data, pos, end - pos);
                    return;
                }
                stream.sink().accept(new DnsMessageSeen(stream.flow(), stream.direction(), timestampMicros, crossed,
                        parsed));
            }
        }
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        // Where the next length is cannot be known: the rest is raw (no landmark to pick DNS up again).
        expected = -1;
        message = EMPTY;
        lengthFill = 0;
        stream.resync(DnsTcpProtocol.INSTANCE, new byte[0], 0, 0, 0);
    }

    @Override
    public void close() {
        if (expected >= 0) {
            malformed(frames.build(), lastTimestampMicros, "a DNS message cut short: " + messageFill + " of "
                    + expected + " bytes");
        }
        expected = -1;
        message = EMPTY;
    }

    /** The message buffer, the frame list, the object itself. */
    @Override
    public long retainedBytes() {
        return 200 + message.length + 16L * framesAdded;
    }

    private void forgetFrames() {
        if (framesAdded > 64) {
            frames = new Frames.Builder(); // a message that came in many segments does not keep their array
            framesAdded = 0;
        } else {
            frames.clear();
        }
        lastFrame = 0;
    }

    private void malformed(Frames crossed, long timestampMicros, String reason) {
        stream.sink().accept(new ProtocolMalformed(stream.flow(), stream.direction(), timestampMicros, crossed, NAME,
                reason));
    }
}
