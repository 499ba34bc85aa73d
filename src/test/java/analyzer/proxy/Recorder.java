package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.fail;

import analyzer.dissect.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Keeps everything a running proxy reports, for tests to wait on and inspect. */
final class Recorder implements ProxyListener {

    private final List<Object> reports = new ArrayList<>();

    @Override
    public synchronized void seen(Event event) {
        reports.add(event);
    }

    @Override
    public synchronized void tampered(Tampering t) {
        reports.add(t);
    }

    @Override
    public synchronized void tamperSkipped(TamperSkipped s) {
        reports.add(s);
    }

    @Override
    public synchronized void forgeryAccepted(ForgeryAccepted a) {
        reports.add(a);
    }

    @Override
    public synchronized void forgeryRejected(ForgeryRejected r) {
        reports.add(r);
    }

    @Override
    public synchronized void upstreamFailed(UpstreamFailure f) {
        reports.add(f);
    }

    synchronized <T> List<T> all(Class<T> type) {
        return reports.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Waits (up to 10 s) until at least {@code count} reports of the type match, and returns those that do. */
    <T> List<T> await(Class<T> type, int count, Predicate<T> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<T> found = all(type).stream().filter(matching).toList();
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                fail("expected " + count + " " + type.getSimpleName() + " reports, got " + found.size() + ": " + describe());
            }
            Thread.sleep(10);
        }
    }

    <T> T awaitOne(Class<T> type) throws InterruptedException {
        return await(type, 1, t -> true).get(0);
    }

    synchronized String describe() {
        StringBuilder sb = new StringBuilder();
        for (Object o : reports) {
            sb.append("\n  ").append(o);
        }
        return sb.toString();
    }
}
