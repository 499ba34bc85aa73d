package analyzer.capture;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands frames from the capture thread to a worker thread, so the capture thread only queues and goes straight back
 * to libpcap. Under a burst the dissector falls behind but the kernel's buffer never fills: the backlog waits here
 * instead, bounded in bytes; past the bound frames are counted as dropped by analyzer rather than growing memory.
 * The frames handed in must not be reused by the caller (live capture allocates each one afresh).
 */
public final class DecoupledPacketHandler implements PacketHandler {

    private record Frame(long timestampMicros, byte[] data, int capturedLength, int originalLength) {
    }

    private static final Frame END = new Frame(0, new byte[0], 0, 0);

    private final LinkedBlockingQueue<Frame> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long maxQueuedBytes;
    private final PacketHandler downstream;
    private final Thread worker;
    private volatile Throwable failure;
    private long dropped;

    public DecoupledPacketHandler(PacketHandler downstream, long maxQueuedBytes) {
        this.downstream = downstream;
        this.maxQueuedBytes = maxQueuedBytes;
        this.worker = new Thread(this::work, "dissector");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public void onPacket(long frameNumber, long timestampMicros, byte[] data, int capturedLength, int originalLength) {
        long size = capturedLength + 64L;
        if (queuedBytes.get() + size > maxQueuedBytes) {
            dropped++;
            return;
        }
        queuedBytes.addAndGet(size);
        queue.add(new Frame(timestampMicros, data, capturedLength, originalLength));
    }

    private void work() {
        long frame = 0;
        try {
            while (true) {
                Frame f = queue.take();
                if (f == END) {
                    return;
                }
                queuedBytes.addAndGet(-(f.capturedLength + 64L));
                frame++;
                downstream.onPacket(frame, f.timestampMicros, f.data, f.capturedLength, f.originalLength);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    /** Waits until every queued frame has been handled (at most the given time), then stops the worker. */
    public void finish(long timeout, TimeUnit unit) throws InterruptedException {
        queue.add(END);
        worker.join(unit.toMillis(timeout));
        if (worker.isAlive()) {
            worker.interrupt();
            worker.join(1000);
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    /** Frames not handled because the backlog was at its bound. */
    public long dropped() {
        return dropped;
    }
}
