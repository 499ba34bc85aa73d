package analyzer.workshop;

import java.util.ArrayList;
import java.util.List;

/**
 * What a stage set up — servers, proxies, the capture, clients, key logs — taken down in the reverse order when the
 * stage ends, whatever state it ended in.
 */
final class StageProps implements AutoCloseable {

    private final List<AutoCloseable> props = new ArrayList<>();

    /** Keeps {@code prop} to close with the stage, and returns it. */
    <T extends AutoCloseable> T keep(T prop) {
        props.add(prop);
        return prop;
    }

    @Override
    public void close() {
        for (int i = props.size() - 1; i >= 0; i--) {
            try {
                props.get(i).close();
            } catch (Exception ignored) {
                // tearing down a stage: the next one starts fresh either way
            }
        }
        props.clear();
    }
}
