package analyzer.workshop;

import analyzer.dissect.Event;
import analyzer.proxy.ForgeryAccepted;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.ProxyListener;
import analyzer.proxy.Tampering;
import analyzer.proxy.UpstreamFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything one attacker's proxy reported during a demo stage, kept for the scoreboard. The proxy calls in from its
 * I/O threads; readers take copies.
 */
final class ProxyEvidence implements ProxyListener {

    private final List<Event> events = new ArrayList<>();
    private final List<Tampering> tamperings = new ArrayList<>();
    private final List<ForgeryRejected> rejections = new ArrayList<>();
    private final List<ForgeryAccepted> acceptances = new ArrayList<>();
    private final List<UpstreamFailure> upstreamFailures = new ArrayList<>();
    @Override
    public synchronized void seen(Event event) {
        events.add(event);
    }

    @Override
    public synchronized void tampered(Tampering tampering) {
        tamperings.add(tampering);
    }

    @Override
    public synchronized void forgeryAccepted(ForgeryAccepted accepted) {
        acceptances.add(accepted);
    }

    @Override
    public synchronized void forgeryRejected(ForgeryRejected rejected) {
        rejections.add(rejected);
        notifyAll();
    }

    @Override
    public synchronized void upstreamFailed(UpstreamFailure failure) {
        upstreamFailures.add(failure);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<Tampering> tamperings() {
        return List.copyOf(tamperings);
    }

    synchronized List<ForgeryRejected> rejections() {
        return List.copyOf(rejections);
    }

    /**
     * The rejections reported so far, waiting up to {@code timeout} for a first one: the client gives up on a
     * forged certificate before the proxy's side of the handshake has failed and been reported.
     */
    synchronized List<ForgeryRejected> awaitRejections(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (rejections.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(rejections);
    }

    synchronized List<ForgeryAccepted> acceptances() {
        return List.copyOf(acceptances);
    }

    synchronized List<UpstreamFailure> upstreamFailures() {
        return List.copyOf(upstreamFailures);
    }
}
