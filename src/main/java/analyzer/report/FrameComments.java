package analyzer.report;

import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.Direction;
import java.util.List;
import java.util.Locale;

/**
 * What the tool saw, as comments on the frames it saw it in, for a pcapng that Wireshark shows them in: a message
 * readable in clear (with its credentials and session cookies), the handshake after which a connection is
 * encrypted, a certificate rejected by an alert, a secret found. A message spanning frames is commented on its
 * last one, where Wireshark shows it reassembled.
 */
public final class FrameComments implements EventSink {

    /** Takes a comment for a frame (a pcapng writer). */
    @FunctionalInterface
    public interface Target {
        void comment(long frame, String text);
    }

    private final Target target;

    public FrameComments(Target target) {
        this.target = target;
    }

    @Override
    public void accept(Event event) {
        if (event.flow().insideTls()) {
            return; // decrypted with keys: not what the wire showed
        }
        if (event instanceof HttpRequestSeen r) {
            long frame = last(r.frames());
            comment(frame, "READABLE: " + r.method() + " " + r.uri() + " sent in clear");
            leaks(frame, Leaks.of(r));
        } else if (event instanceof HttpResponseSeen r) {
            long frame = last(r.frames());
            comment(frame, "READABLE: " + r.code() + " " + r.phrase()
                    + (r.requestMethod() == null ? "" : " to " + r.requestMethod() + " " + r.requestUri())
                    + " sent in clear");
            leaks(frame, Leaks.of(r));
        } else if (event instanceof TlsRecordSeen t) {
            tls(t);
        }
    }

    /** A secret the user named (or the workshop's) found in a frame. */
    public void secretSeen(long frame, String secret) {
        comment(frame, "SECRET SEEN: \"" + secret + "\" readable in this frame");
    }

    private void tls(TlsRecordSeen t) {
        long frame = last(t.frames());
        for (TlsHandshake h : t.handshakes()) {
            if (h instanceof TlsHandshake.ServerHello s) {
                comment(frame, "ENCRYPTED: " + TlsNames.version(s.selectedVersion()) + ", "
                        + TlsNames.cipherSuite(s.cipherSuite()) + " negotiated: what follows is unreadable without"
                        + " the keys");
            }
        }
        if (t.contentType() == TlsRecordSeen.ALERT && t.alert() != null && t.alert().level() == 2) {
            String meaning = TextPrinter.alertMeaning(t);
            comment(frame, (meaning != null && meaning.contains("rejected") ? "REJECTED: " : "TLS ALERT: ")
                    + "fatal " + TlsNames.alertDescription(t.alert().description()) + " from the "
                    + (t.direction() == Direction.CLIENT_TO_SERVER ? "client" : "server")
                    + (meaning == null ? "" : ": " + meaning));
        }
    }

    private void leaks(long frame, List<Leaks.Leak> leaks) {
        for (Leaks.Leak leak : leaks) {
            comment(frame, leak.kind().label().toUpperCase(Locale.ROOT) + " IN CLEAR: " + leak.detail());
        }
    }

    private void comment(long frame, String text) {
        if (frame > 0) {
            target.comment(frame, text);
        }
    }

    private static long last(Frames frames) {
        return frames.isEmpty() ? 0 : frames.last();
    }
}
