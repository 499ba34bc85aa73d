package analyzer.check;

import analyzer.capture.CaptureCanary;
import analyzer.capture.CaptureException;
import analyzer.capture.DecoupledPacketHandler;
import analyzer.capture.LivePacketSource;
import analyzer.capture.PacketHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stretch of time a live check watches: from the moment the capture provably receives packets (a
 * {@link CaptureCanary} seen, on loopback) until a duration has passed, a wrapped command has exited (plus a grace
 * period for its last packets), or a stop is requested (SIGINT/SIGTERM). The capture loop runs on its own thread,
 * the dissection behind a bounded backlog on another; at the end a second canary proves that every packet sent
 * before it has been read. Used once.
 */
public final class LiveWindow {

    /** How long the capture may take to see its first canary before the check gives up. */
    static final long READY_TIMEOUT_MILLIS = 10_000;
    /** How long a wrapped command has to exit after SIGTERM before it is killed. */
    static final long TERM_TIMEOUT_MILLIS = 5_000;

    /**
     * How the window ended.
     *
     * @param watched      how long it really watched, from ready to stop
     * @param interrupted  whether a signal ended it early
     * @param command      the wrapped command's outcome, or null when there was none
     * @param droppedByBacklog packets the dissection backlog could not hold
     */
    public record End(Duration watched, boolean interrupted, CommandOutcome command, long droppedByBacklog) {
    }

    /**
     * A wrapped command's end.
     *
     * @param exitCode its exit code (128 + signal when a signal ended it), or -1 when it could not be started
     * @param stoppedBy null when it exited by itself, else why we ended it ("SIGTERM", "--duration")
     * @param error     why it could not be started, or null
     */
    public record CommandOutcome(List<String> argv, int exitCode, String stoppedBy, String error) {
        public boolean failed() {
            return exitCode != 0;
        }

        /** "exited 0", "exited 3", "stopped at --duration (exit 143)", "could not be started: …" */
        public String describe() {
            if (error != null) {
                return "could not be started: " + error;
            }
            return stoppedBy != null ? "stopped by " + stoppedBy + " (exit " + exitCode + ")" : "exited " + exitCode;
        }
    }

    private final LivePacketSource source;
    private final CaptureCanary canary;
    private final DecoupledPacketHandler worker;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<Throwable> captureFailure = new AtomicReference<>();
    private volatile boolean interrupted;
    private Thread loop;
    private long readyNanos;

    /**
     * @param canary   the canary the source's filter lets through, or null when the interface cannot see one (not
     *                 loopback): then "ready" means the capture is open and its loop running
     * @param handler  the dissection pipeline, fed on a worker thread
     */
    public LiveWindow(LivePacketSource source, CaptureCanary canary, PacketHandler handler, long backlogBytes) {
        this.source = source;
        this.canary = canary;
        this.worker = new DecoupledPacketHandler(handler, backlogBytes);
    }

    /** Starts capturing and returns once the capture receives packets. */
    public void start() throws CaptureException, InterruptedException {
        PacketHandler filtered = (frame, ts, data, caplen, origLen) -> {
            if (canary == null || !canary.isCanary(data, caplen)) {
                worker.onPacket(frame, ts, data, caplen, origLen);
            }
        };
        loop = new Thread(() -> {
            try {
                source.run(filtered);
            } catch (CaptureException | RuntimeException e) {
                captureFailure.set(e);
                stop.countDown();
            }
        }, "capture");
        loop.setDaemon(true);
        loop.start();
        if (canary != null && !canary.sendUntilSeen(READY_TIMEOUT_MILLIS)) {
            failIfCaptureFailed();
            source.stop();
            throw new CaptureException("the capture on " + source.interfaceName() + " saw none of its own test"
                    + " packets within " + READY_TIMEOUT_MILLIS / 1000 + " s", "Is the filter too narrow, or the"
                    + " interface not the loopback?", null);
        }
        failIfCaptureFailed();
        readyNanos = System.nanoTime();
    }

    /** Ends the window early (from a signal handler): a wrapped command is sent SIGTERM. Safe from any thread. */
    public void requestStop() {
        interrupted = true;
        stop.countDown();
    }

    /**
     * Watches for {@code duration} (null: no limit) or until a stop is requested, running {@code command} if one is
     * given; then waits {@code grace} for late packets (only after a command) and ends the capture.
     */
    public End run(Duration duration, List<String> command, Duration grace) throws CaptureException,
            InterruptedException {
        CommandOutcome outcome = null;
        if (command == null || command.isEmpty()) {
            if (duration == null) {
                stop.await();
            } else {
                stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
            }
        } else {
            outcome = runCommand(command, duration);
            if (!interrupted && captureFailure.get() == null) {
                stop.await(grace.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        long end = System.nanoTime();
        if (canary != null && captureFailure.get() == null) {
            // Everything sent before this canary is in the capture once the canary is.
            canary.sendUntilSeen(2_000);
        }
        source.stop();
        loop.join(5_000);
        worker.finish(10, TimeUnit.MINUTES);
        failIfCaptureFailed();
        return new End(Duration.ofNanos(end - readyNanos), interrupted, outcome, worker.dropped());
    }

    private CommandOutcome runCommand(List<String> argv, Duration duration) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(argv).inheritIO().start();
        } catch (IOException e) {
            return new CommandOutcome(argv, -1, null, e.getMessage());
        }
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        String stoppedBy = null;
        while (true) {
            if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                break;
            }
            if (stop.getCount() == 0 || System.nanoTime() > deadline) {
                stoppedBy = stop.getCount() == 0 ? (interrupted ? "a signal" : "a capture failure") : "--duration";
                terminate(process);
                break;
            }
        }
        return new CommandOutcome(argv, process.exitValue(), stoppedBy, null);
    }

    private static void terminate(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(TERM_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private void failIfCaptureFailed() throws CaptureException {
        Throwable t = captureFailure.get();
        if (t instanceof CaptureException c) {
            throw c;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
    }
}
