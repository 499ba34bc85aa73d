package analyzer.web;

import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.flow.Flow;
import analyzer.proxy.ForgeryAccepted;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.ProxyListener;
import analyzer.proxy.TamperSkipped;
import analyzer.proxy.Tampering;
import analyzer.proxy.UpstreamFailure;

/**
 * One observer's events on their way to the page: the sniffer's (an {@link EventSink}, like the printers) or a
 * proxy's (a {@link ProxyListener}). Each observer numbers its connections itself, so flows are told apart by
 * feed. Thread-safe: a proxy calls in from several I/O threads.
 */
public final class Feed implements EventSink, ProxyListener {

    private final LiveView view;
    private final int number;
    private final String seenBy;
    private final String label;
    private final boolean live;
    private final EventJson json;

    Feed(LiveView view, int number, String seenBy, String label, boolean live) {
        this.view = view;
        this.json = new EventJson(view.showSecrets());
        this.number = number;
        this.seenBy = seenBy;
        this.label = label;
        this.live = live;
    }

    int number() {
        return number;
    }

    /** "wire" or "proxy". */
    String seenBy() {
        return seenBy;
    }

    /** Where exactly: "wire · lo tcp port 5683", "proxy that rewrites · HTTP". */
    String label() {
        return label;
    }

    boolean showSecrets() {
        return view.showSecrets();
    }

    /** Whether events arrive as they happen (a latency from their time stamps means something). */
    boolean live() {
        return live;
    }

    @Override
    public void accept(Event event) {
        byte[] encoded;
        synchronized (this) {
            encoded = json.of(event);
        }
        view.add(this, event.flow(), event.timestampMicros(), event, encoded);
    }

    /** Nothing is buffered: the page asks the view for what changed. */
    @Override
    public void flush() {
    }

    @Override
    public void seen(Event event) {
        accept(event);
    }

    @Override
    public void tampered(Tampering t) {
        add(t.flow(), t.timestampMicros(), t);
    }

    @Override
    public void tamperSkipped(TamperSkipped s) {
        add(s.flow(), s.timestampMicros(), s);
    }

    @Override
    public void forgeryAccepted(ForgeryAccepted a) {
        add(a.flow(), a.timestampMicros(), a);
    }

    @Override
    public void forgeryRejected(ForgeryRejected r) {
        add(r.flow(), r.timestampMicros(), r);
    }

    @Override
    public void upstreamFailed(UpstreamFailure f) {
        add(f.flow(), f.timestampMicros(), f);
    }

    private void add(Flow flow, long micros, Object report) {
        byte[] encoded;
        synchronized (this) {
            if (report instanceof Tampering t) {
                encoded = json.of(t);
            } else if (report instanceof TamperSkipped s) {
                encoded = json.of(s);
            } else if (report instanceof ForgeryAccepted a) {
                encoded = json.of(a);
            } else if (report instanceof ForgeryRejected r) {
                encoded = json.of(r);
            } else {
                encoded = json.of((UpstreamFailure) report);
            }
        }
        view.add(this, flow, micros, report, encoded);
    }
}
