package analyzer.workshop;

import analyzer.capture.CaptureCanary;
import analyzer.capture.CaptureException;
import analyzer.capture.LiveCaptureOptions;
import analyzer.capture.LivePacketSource;
import analyzer.capture.CaptureWriter;
import analyzer.capture.FilePacketSource;
import analyzer.capture.PortFilter;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.Flow;
import analyzer.sniff.Sniffer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The eavesdropper on the wire during one demo stage: a live loopback capture of the stage's ports, run on its own
 * thread, whose events are kept for the scoreboard (and whose packets go to a pcap when recording).
 */
public final class WireTap implements AutoCloseable {

    /**
     * How long to wait for the tap to see its canary: libpcap hands over buffered frames every 50 ms, and a
     * loaded machine may run the capture thread late, but not by this much.
     */
    private static final long MAX_SETTLE_MILLIS = 10_000;

    private final LivePacketSource source;
    private final CaptureWriter writer;
    private final StageComments comments;
    private final Sniffer sniffer;
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private final AtomicLong frames = new AtomicLong();
    /**
     * Settling sends this datagram through loopback, which the capture's filter also takes: frames reach the capture
     * in the order they were sent, so once it is in, every frame sent before it has been read. It is neither
     * dissected nor recorded.
     */
    private final CaptureCanary canary;
    private volatile CaptureException failure;
    private boolean stopped;
    private boolean closed;

    private WireTap(LivePacketSource source, CaptureCanary canary, CaptureWriter writer,
                    UnaryOperator<ConnectionListenerFactory> tee, EventSink also) {
        this.source = source;
        this.canary = canary;
        this.writer = writer;
        StageComments comments = writer != null && writer.annotates() ? new StageComments(writer) : null;
        this.comments = comments;
        EventSink sink = EventSink.both(events::add,
                EventSink.both(comments == null ? null : comments.wireEvents(), also));
        this.sniffer = new Sniffer(source.linkType(), sink, DissectorOptions.defaults(),
                dissector -> tee.apply(comments == null ? dissector : comments.indexing(dissector)));
        this.thread = new Thread(this::run, "demo-wiretap");
        this.thread.setDaemon(true);
    }

    /**
     * Starts capturing TCP on the given loopback ports.
     *
     * @param record where to write the stage's capture (pcapng, with comments, unless named .pcap), or null
     * @param tee    wraps the dissector, to see the reassembled bytes as well (identity when not needed)
     */
    public static WireTap start(List<Integer> ports, Path record, UnaryOperator<ConnectionListenerFactory> tee)
            throws CaptureException {
        return start(ports, record, tee, null);
    }

    /** As {@link #start(List, Path, UnaryOperator)}, every event also going to {@code also} (may be null). */
    public static WireTap start(List<Integer> ports, Path record, UnaryOperator<ConnectionListenerFactory> tee,
                                EventSink also) throws CaptureException {
        CaptureCanary canary;
        try {
            canary = new CaptureCanary();
        } catch (UncheckedIOException e) {
            throw new CaptureException(e.getMessage(), null, e);
        }
        LivePacketSource source;
        try {
            source = LivePacketSource.open(LiveCaptureOptions.loopback(canary.widen(PortFilter.of(ports,
                    Flow.Transport.TCP))));
        } catch (CaptureException | RuntimeException e) {
            canary.close();
            throw e;
        }
        CaptureWriter writer = null;
        try {
            writer = record == null ? null
                    : CaptureWriter.create(record, source.linkType(), LiveCaptureOptions.DEFAULT_SNAPLEN);
            WireTap tap = new WireTap(source, canary, writer, tee, also);
            tap.thread.start();
            return tap;
        } catch (CaptureException | RuntimeException e) {
            canary.close();
            source.close();
            if (writer != null) {
                writer.close();
            }
            throw e;
        }
    }

    private void run() {
        try {
            source.run((frame, ts, data, caplen, origLen) -> {
                if (canary.isCanary(data, caplen)) {
                    return;
                }
                // Numbered as the recording numbers them, the canary left out.
                long number = frames.incrementAndGet();
                if (writer != null) {
                    writer.write(ts, data, caplen, origLen);
                }
                sniffer.onPacket(number, ts, data, caplen, origLen);
            });
        } catch (CaptureException e) {
            failure = e;
        }
    }

    /**
     * The events seen so far, once the frames of the exchanges that have just ended are in: what an eavesdropper
     * holds at this moment. Streams still open may have more to come.
     */
    public List<Event> eventsSoFar() throws CaptureException {
        settle();
        if (failure != null) {
            throw failure;
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * Waits until every frame sent before this call has been read: sends the canary through loopback until the
     * capture has seen it, at most {@link #MAX_SETTLE_MILLIS}.
     */
    private synchronized void settle() {
        if (!thread.isAlive()) {
            return;
        }
        try {
            canary.sendUntilSeen(MAX_SETTLE_MILLIS);
        } catch (UncheckedIOException e) {
            // nothing to wait for: the events so far are what there is
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the last packets arrive, stops, closes every stream and returns all the events seen. */
    public List<Event> stop() throws CaptureException {
        if (!stopped) {
            stopped = true;
            try {
                settle();
                source.stop();
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sniffer.finish();
            close();
        }
        if (failure != null) {
            throw failure;
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * Reads a recording back as someone who holds these keys would: TLS that they open is dissected inside. The
     * demo's recordings are a few hundred frames, kept whole.
     */
    static List<Event> readBack(Path recording, KeyMaterial keys) throws CaptureException {
        List<Event> events = new ArrayList<>();
        try (FilePacketSource source = FilePacketSource.open(recording)) {
            source.onSecrets(text -> keys.addEmbedded(text, recording + " (keys embedded in the capture)"));
            CaptureException broken = new Sniffer(source.linkType(), events::add,
                    DissectorOptions.defaults().withTlsKeys(keys), UnaryOperator.identity()).readAll(source);
            if (broken != null) {
                throw broken;
            }
        }
        return events;
    }

    public long packets() {
        return frames.get();
    }

    public Path file() {
        return writer == null ? null : writer.file();
    }

    /**
     * TLS secrets (NSS key log lines) to embed in the recording, so that Wireshark decrypts it without a key log of
     * its own; before {@link #stop}. Ignored when nothing is recorded, or into a pcap.
     */
    public void secrets(String nssKeyLog) {
        if (writer != null) {
            writer.secrets(nssKeyLog);
        }
    }

    /** Where the recording's comments go, or null when nothing is recorded (or into a pcap, which has none). */
    StageComments comments() {
        return comments;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        source.stop();
        source.close();
        canary.close();
        if (writer != null) {
            writer.close();
        }
    }
}
