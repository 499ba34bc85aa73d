package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** The proxy's reports for tests: waiting for them fails the test after 10 s. */
final class Recorder extends ProxyReports {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Waits until at least {@code count} reports of the type match, and returns those that do. */
    <T> List<T> await(Class<T> type, int count, Predicate<T> matching) {
        List<T> found = await(type, count, matching, WAIT);
        if (found.size() < count) {
            fail("expected " + count + " " + type.getSimpleName() + " reports, got " + found.size() + ": " + describe());
        }
        return found;
    }

    <T> T awaitOne(Class<T> type) {
        return await(type, 1, t -> true).get(0);
    }
}
