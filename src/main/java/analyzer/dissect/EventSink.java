package analyzer.dissect;

/** Where events go: a printer, a collector in a test, a verdict. */
@FunctionalInterface
public interface EventSink {

    void accept(Event event);

    /** Called when the feed pauses or ends, so buffered output reaches its reader. */
    default void flush() {
    }

    /** Both sinks, in this order, or the one that is not null (null when both are). */
    static EventSink both(EventSink first, EventSink second) {
        if (first == null || second == null) {
            return first == null ? second : first;
        }
        return new EventSink() {
            @Override
            public void accept(Event event) {
                first.accept(event);
                second.accept(event);
            }

            @Override
            public void flush() {
                first.flush();
                second.flush();
            }
        };
    }
}
