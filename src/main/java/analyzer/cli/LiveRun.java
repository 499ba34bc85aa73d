package analyzer.cli;

import analyzer.capture.CaptureException;
import analyzer.capture.DecoupledPacketHandler;
import analyzer.capture.LivePacketSource;
import analyzer.capture.PacketHandler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a live capture until Ctrl-C, a packet count or a duration, shared by {@code capture} and {@code check}.
 * The handler runs on its own thread behind a bounded backlog, so a burst is absorbed in memory instead of
 * overflowing the kernel's capture buffer.
 */
final class LiveRun {

    /**
     * 512 MiB, or a quarter of the heap when that is less (-Xmx256m: 64 MiB), so that a burst queued here and the
     * connections the sniffer tracks (96 MiB at most) fit in the heap together.
     */
    static final long BACKLOG_BYTES = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 4);

    private LiveRun() {
    }

    /**
     * @param flush called every 200 ms so events show up promptly without a write per event (may be null)
     * @return packets the backlog had to drop (0 normally)
     */
    static long run(LivePacketSource source, PacketHandler handler, Long count, Duration duration, Runnable flush)
            throws CaptureException {
        DecoupledPacketHandler worker = new DecoupledPacketHandler(handler, BACKLOG_BYTES);
        AtomicLong seen = new AtomicLong();
        PacketHandler counting = (frame, ts, data, caplen, origLen) -> {
            worker.onPacket(frame, ts, data, caplen, origLen);
            if (count != null && seen.incrementAndGet() >= count) {
                source.stop();
            }
        };
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "capture-timer");
            t.setDaemon(true);
            return t;
        });
        InterruptHandler interrupt = InterruptHandler.install(source::stop);
        try {
            if (duration != null) {
                timer.schedule(source::stop, duration.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (flush != null) {
                timer.scheduleWithFixedDelay(flush, 200, 200, TimeUnit.MILLISECONDS);
            }
            source.run(counting);
            try {
                worker.finish(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            timer.shutdownNow();
            interrupt.uninstall();
        }
        return worker.dropped();
    }

}
