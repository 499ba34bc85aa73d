package analyzer.proxy;

import analyzer.dissect.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Keeps everything a running proxy reports, in the order it came, for whoever judges afterwards (the demo's
 * scoreboard, tests). The proxy calls in from its I/O threads; readers get copies, and can wait for a report that
 * the other side of a connection has already seen but the proxy has not yet made (a client gives up on a forged
 * certificate before the proxy's half of the handshake has failed).
 */
public class ProxyReports implements ProxyListener {

    private final List<Object> reports = new ArrayList<>();

    private synchronized void add(Object report) {
        reports.add(report);
        notifyAll();
    }

    @Override
    public void seen(Event event) {
        add(event);
    }

    @Override
    public void tampered(Tampering tampering) {
        add(tampering);
    }

    @Override
    public void tamperSkipped(TamperSkipped skipped) {
        add(skipped);
    }

    @Override
    public void forgeryAccepted(ForgeryAccepted accepted) {
        add(accepted);
    }

    @Override
    public void forgeryRejected(ForgeryRejected rejected) {
        add(rejected);
    }

    @Override
    public void upstreamFailed(UpstreamFailure failure) {
        add(failure);
    }

    /** Every report of this type so far (events: {@code Event.class} or one event record). */
    public synchronized <T> List<T> all(Class<T> type) {
        return reports.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Waits up to {@code timeout} until at least {@code count} reports of the type match, and returns those that
     * match: fewer than {@code count} when the time ran out.
     */
    public synchronized <T> List<T> await(Class<T> type, int count, Predicate<? super T> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                List<T> found = all(type).stream().filter(matching).toList();
                long left = deadline - System.nanoTime();
                if (found.size() >= count || left <= 0) {
                    return found;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return all(type).stream().filter(matching).toList();
        }
    }

    /** One report per line, for a failure message. */
    public synchronized String describe() {
        StringBuilder sb = new StringBuilder();
        for (Object o : reports) {
            sb.append("\n  ").append(o);
        }
        return sb.toString();
    }
}
