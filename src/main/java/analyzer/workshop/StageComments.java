package analyzer.workshop;

import analyzer.capture.CaptureWriter;
import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import analyzer.flow.ForwardingListener;
import analyzer.proxy.ForgeryAccepted;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.Tampering;
import analyzer.report.FrameComments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The comments a demo stage's recording carries, on the wire frames where each thing happened: what the sniffer saw
 * (messages in clear, the secret, the handshakes, a refusal read in clear) and what the attacker did, which only its
 * proxies know — EAVESDROP, TAMPERED, the forged certificate rejected or accepted, the stolen session replayed. A
 * proxy's report is put on the victim's connection to that proxy (same client address and port on the wire), on
 * the first frame the proxy sent the victim after it (what it read or rewrote, relayed), or for a handshake on the
 * last frame the victim sent before it.
 */
final class StageComments {

    /** Proxy and capture clocks are both the system's; a report may lag or lead its frame by a little. */
    private static final long SLACK_MICROS = 2_000;
    private static final int MAX_DATA_FRAMES = 200_000;

    private final CaptureWriter writer;
    private final FrameComments wire;
    /** Frames that carried data, per connection (by the client's endpoint): frame, time, direction. */
    private final Map<Endpoint, List<long[]>> dataFrames = new HashMap<>();
    private int indexed;

    StageComments(CaptureWriter writer) {
        this.writer = writer;
        this.wire = new FrameComments(writer::comment);
    }

    /** Hears the wire's events. */
    EventSink wireEvents() {
        return wire;
    }

    void secretSeen(long frame, String secret) {
        wire.secretSeen(frame, secret);
    }

    /** Wraps the wire's dissector to remember which frames carried data on each connection. */
    ConnectionListenerFactory indexing(ConnectionListenerFactory next) {
        return (flow, frame, ts) -> new ForwardingListener(next.open(flow, frame, ts)) {
            @Override
            public void onData(Direction direction, byte[] data, int offset, int length, long f, long t) {
                remember(flow, direction, f, t);
                super.onData(direction, data, offset, length, f, t);
            }
        };
    }

    private synchronized void remember(Flow flow, Direction direction, long frame, long ts) {
        if (indexed >= MAX_DATA_FRAMES || frame <= 0) {
            return;
        }
        List<long[]> frames = dataFrames.computeIfAbsent(flow.client(), c -> new ArrayList<>());
        if (frames.isEmpty() || frames.get(frames.size() - 1)[0] != frame) {
            frames.add(new long[] {frame, ts, direction.ordinal()});
            indexed++;
        }
    }

    /** The reading proxy relayed this answer, having read it. */
    void proxyRead(HttpResponseSeen r) {
        String exchange = r.requestMethod() == null ? "an answer" : r.requestMethod() + " " + r.requestUri();
        toVictim(r.flow(), r.timestampMicros(), "EAVESDROP: the attacker's proxy read " + exchange + " ← " + r.code()
                + (r.body().text() && r.body().length() > 0 ? " \"" + Sightings.shorten(new String(r.body().shown(),
                java.nio.charset.StandardCharsets.UTF_8).strip().lines().findFirst().orElse(""), 40) + "\"" : "")
                + " and relayed it");
    }

    void tampered(Tampering t) {
        String text = "TAMPERED: the attacker's proxy rewrote the " + t.part() + " \"" + Sightings.shorten(
                String.valueOf(t.before()), 30) + "\" → \"" + Sightings.shorten(String.valueOf(t.after()), 30) + "\"";
        if (t.direction() == Direction.SERVER_TO_CLIENT) {
            toVictim(t.flow(), t.timestampMicros(), text);
        } else {
            fromVictim(t.flow(), t.timestampMicros(), text);
        }
    }

    void forgeryRejected(ForgeryRejected r) {
        fromVictim(r.flow(), r.timestampMicros(), (r.certificateRejected() ? "ATTACK FAILED: the client rejected"
                + " the forged certificate for " + r.host() : "TLS FAILED: the handshake with the forging proxy for "
                + r.host() + " failed") + (r.alert() == null ? " (it closed the connection)" : " (alert " + r.alert()
                + ")"));
    }

    void forgeryAccepted(ForgeryAccepted a) {
        fromVictim(a.flow(), a.timestampMicros(), "INTERCEPTED: the client accepted the forged certificate for "
                + a.host() + "; the attacker's proxy reads and rewrites this connection");
    }

    /** The attacker's replay: the first request on the wire since {@code sinceMicros} that carries the cookie. */
    void replayed(List<Event> wireEvents, long sinceMicros, String cookie, String shown) {
        for (Event e : wireEvents) {
            if (e instanceof HttpRequestSeen r && r.timestampMicros() >= sinceMicros - SLACK_MICROS
                    && !r.frames().isEmpty() && carries(r, cookie)) {
                writer.comment(r.frames().last(), "SESSION HIJACK: the attacker replays the stolen " + shown
                        + " from its own client");
                return;
            }
        }
    }

    private static boolean carries(HttpRequestSeen r, String cookie) {
        for (HttpHeader h : r.headers()) {
            if (h.name().equalsIgnoreCase("Cookie") && h.value().contains(cookie)) {
                return true;
            }
        }
        return false;
    }

    /** On the first frame the proxy sent the victim at or after {@code ts}. */
    private synchronized void toVictim(Flow proxyFlow, long ts, String text) {
        for (long[] f : dataFrames.getOrDefault(proxyFlow.client(), List.of())) {
            if (f[2] == Direction.SERVER_TO_CLIENT.ordinal() && f[1] >= ts - SLACK_MICROS) {
                writer.comment(f[0], text);
                return;
            }
        }
    }

    /** On the last frame the victim sent at or before {@code ts} (the handshake's last word), else its last frame. */
    private synchronized void fromVictim(Flow proxyFlow, long ts, String text) {
        List<long[]> frames = dataFrames.getOrDefault(proxyFlow.client(), List.of());
        long chosen = 0;
        for (long[] f : frames) {
            if (f[2] == Direction.CLIENT_TO_SERVER.ordinal() && f[1] <= ts + SLACK_MICROS) {
                chosen = f[0];
            }
        }
        if (chosen == 0 && !frames.isEmpty()) {
            chosen = frames.get(frames.size() - 1)[0];
        }
        if (chosen > 0) {
            writer.comment(chosen, text);
        }
    }
}
