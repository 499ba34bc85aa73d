package analyzer.cli;

/**
 * Ctrl-C stops the current capture cleanly (the pcap is flushed and the summary printed) instead of killing the
 * JVM mid-write. Uses the JDK's signal API where present; otherwise a shutdown hook that waits for the capture to
 * wind down.
 */
final class InterruptHandler {

    private final Runnable uninstall;

    private InterruptHandler(Runnable uninstall) {
        this.uninstall = uninstall;
    }

    @SuppressWarnings("removal")
    static InterruptHandler install(Runnable onInterrupt) {
        try {
            sun.misc.Signal signal = new sun.misc.Signal("INT");
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> onInterrupt.run());
            sun.misc.Signal term = new sun.misc.Signal("TERM");
            sun.misc.SignalHandler previousTerm = sun.misc.Signal.handle(term, s -> onInterrupt.run());
            return new InterruptHandler(() -> {
                sun.misc.Signal.handle(signal, previous);
                sun.misc.Signal.handle(term, previousTerm);
            });
        } catch (IllegalArgumentException | LinkageError e) {
            return new InterruptHandler(() -> { });
        }
    }

    void uninstall() {
        uninstall.run();
    }
}
