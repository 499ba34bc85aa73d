package analyzer.dissect;

/** Where events go: a printer, a collector in a test, a verdict. */
@FunctionalInterface
public interface EventSink {

    void accept(Event event);

    /** Called when the feed pauses or ends, so buffered output reaches its reader. */
    default void flush() {
    }
}
