package analyzer.dissect.session;

import analyzer.dissect.Frames;
import analyzer.dissect.StreamContext;
import java.util.List;

/**
 * Makes the events of one direction of a session protocol (SMTP, IMAP, POP3, FTP, PostgreSQL, Redis, telnet) with
 * the frame and time of the bytes being read, so the protocols' logic only says what it saw.
 */
public final class SessionEvents {

    private final StreamContext stream;
    private final String protocol;
    private Frames frames = Frames.NONE;
    private long timestampMicros;

    public SessionEvents(StreamContext stream, String protocol) {
        this.stream = stream;
        this.protocol = protocol;
    }

    /** The bytes now being read came in this frame (0: none, the proxy) at this time. */
    public void at(long frame, long timestampMicros) {
        this.frames = frame > 0 ? Frames.of(frame) : Frames.NONE;
        this.timestampMicros = timestampMicros;
    }

    public void at(Frames frames, long timestampMicros) {
        this.frames = frames;
        this.timestampMicros = timestampMicros;
    }

    public Frames frames() {
        return frames;
    }

    public long timestampMicros() {
        return timestampMicros;
    }

    public void text(String protocolName, List<String> lines, boolean negotiation) {
        stream.sink().accept(new ProtocolTextSeen(stream.flow(), stream.direction(), timestampMicros, frames,
                protocolName, lines, negotiation));
    }

    public void text(List<String> lines, boolean negotiation) {
        text(protocol, lines, negotiation);
    }

    public void credential(String protocolName, String mechanism, String user, String secret) {
        stream.sink().accept(new CredentialSeen(stream.flow(), stream.direction(), timestampMicros, frames,
                protocolName, mechanism, user, secret));
    }

    public void startTls(String protocolName, StartTlsSeen.Step step, String detail) {
        stream.sink().accept(new StartTlsSeen(stream.flow(), stream.direction(), timestampMicros, frames,
                protocolName, step, detail));
    }

    public void malformed(String protocolName, String reason) {
        stream.sink().accept(new ProtocolMalformed(stream.flow(), stream.direction(), timestampMicros, frames,
                protocolName, reason));
    }
}
