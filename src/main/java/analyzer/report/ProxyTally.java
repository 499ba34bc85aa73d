package analyzer.report;

import analyzer.dissect.Event;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.TlsRecordSeen;
import analyzer.proxy.ForgeryAccepted;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.ProxyListener;
import analyzer.proxy.Tampering;
import analyzer.proxy.UpstreamFailure;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the proxy did, for the line it ends with. Thread-safe: every I/O thread reports here. */
public final class ProxyTally implements ProxyListener {

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong tlsRecords = new AtomicLong();
    private final AtomicLong tampered = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong upstreamFailures = new AtomicLong();
    private final AtomicLong flows = new AtomicLong();

    @Override
    public void seen(Event event) {
        flows.accumulateAndGet(event.flow().id(), Math::max);
        if (event instanceof HttpRequestSeen) {
            requests.incrementAndGet();
        } else if (event instanceof HttpResponseSeen) {
            responses.incrementAndGet();
        } else if (event instanceof TlsRecordSeen) {
            tlsRecords.incrementAndGet();
        }
    }

    @Override
    public void tampered(Tampering t) {
        tampered.incrementAndGet();
    }

    @Override
    public void forgeryAccepted(ForgeryAccepted a) {
        accepted.incrementAndGet();
    }

    @Override
    public void forgeryRejected(ForgeryRejected r) {
        rejected.incrementAndGet();
    }

    @Override
    public void upstreamFailed(UpstreamFailure f) {
        upstreamFailures.incrementAndGet();
    }

    /** "3 connections · 2 HTTP requests, 2 responses · 0 TLS records · 1 rewrite" */
    public String summary() {
        SummaryLine line = new SummaryLine().count(flows.get(), "connection")
                .count(requests.get(), "HTTP request").and(responses.get(), "response")
                .count(tlsRecords.get(), "TLS record").count(tampered.get(), "rewrite");
        if (accepted.get() + rejected.get() > 0) {
            line.part("forged certificate accepted " + accepted.get() + ", rejected " + rejected.get());
        }
        return line.countIfAny(upstreamFailures.get(), "upstream failure").toString();
    }
}
