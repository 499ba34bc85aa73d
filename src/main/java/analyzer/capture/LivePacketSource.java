package analyzer.capture;

import java.util.Locale;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

/**
 * Frames from a network interface as they arrive. {@link #run} blocks in libpcap's loop on the calling thread;
 * {@link #stop} (from any thread) breaks it — an idle loopback never times out a blocking read, so breaking the loop
 * is the only reliable way out.
 */
public final class LivePacketSource implements AutoCloseable {

    private final PcapHandle handle;
    private final String interfaceName;
    private volatile boolean stopped;
    private volatile boolean closed;

    private LivePacketSource(PcapHandle handle, String interfaceName) {
        this.handle = handle;
        this.interfaceName = interfaceName;
    }

    public static LivePacketSource open(LiveCaptureOptions options) throws CaptureException {
        Libpcap.configure();
        try {
            String name = options.interfaceName() != null ? options.interfaceName() : Interfaces.loopbackName();
            PcapNetworkInterface device = Pcaps.getDevByName(name);
            if (device == null) {
                throw new CaptureException("no interface named '" + name + "'",
                        "Interfaces here: " + String.join(", ", Interfaces.names())
                                + " (analyzer capture --list-interfaces)", null);
            }
            PcapHandle handle;
            try {
                // Not immediate mode: with a 32 MB buffer and a short timeout libpcap delivers promptly and drops
                // nothing, where immediate mode with the default buffer lost packets on a loaded loopback.
                handle = new PcapHandle.Builder(name)
                        .snaplen(options.snaplen())
                        .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                        .timeoutMillis(50)
                        .bufferSize(options.bufferBytes())
                        .timestampPrecision(PcapHandle.TimestampPrecision.MICRO)
                        .build();
            } catch (PcapNativeException e) {
                throw openFailure(name, e);
            }
            String filter = options.bpfFilter();
            if (filter != null && !filter.isBlank()) {
                try {
                    handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
                } catch (PcapNativeException | NotOpenException e) {
                    handle.close();
                    throw new CaptureException("invalid filter '" + filter + "': " + libpcapWords(e.getMessage()),
                            "Filters use tcpdump syntax, e.g. 'tcp port 5683' or 'host 127.0.0.1 and tcp'", e);
                }
            }
            return new LivePacketSource(handle, name);
        } catch (PcapNativeException e) {
            throw new CaptureException("cannot list network interfaces: " + e.getMessage(),
                    HostSystem.current().permissionHint(), e);
        } catch (LinkageError e) {
            throw Libpcap.missing(e);
        }
    }

    private static CaptureException openFailure(String name, PcapNativeException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (permissionDenied(lower)) {
            return new CaptureException("cannot capture on " + name + ": permission denied",
                    HostSystem.current().permissionHint(), e);
        }
        if (lower.contains("no such device") || lower.contains("doesn't exist")) {
            return new CaptureException("no interface named '" + name + "'",
                    "Run analyzer capture --list-interfaces to see the interfaces here", e);
        }
        return new CaptureException("cannot capture on " + name + ": " + libpcapWords(message), null, e);
    }

    /**
     * libpcap's words for a missing right: Linux "Operation not permitted", macOS "(cannot open BPF device)
     * /dev/bpf0: Permission denied", Npcap "Access is denied".
     */
    static boolean permissionDenied(String lowerCaseMessage) {
        return lowerCaseMessage.contains("permission") || lowerCaseMessage.contains("not permitted")
                || lowerCaseMessage.contains("access is denied") || lowerCaseMessage.contains("cannot open bpf device");
    }

    /** pcap4j prefixes libpcap's words with its own; keep libpcap's. */
    private static String libpcapWords(String message) {
        if (message == null) {
            return "unknown error";
        }
        String m = message.replaceFirst("^Error occured: ", "").replaceFirst("^Error occurred: ", "");
        return m.trim();
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int linkType() {
        return handle.getDlt().value();
    }

    /** Delivers frames until {@link #stop()}. */
    public void run(PacketHandler handler) throws CaptureException {
        long[] frame = {0};
        RawPacketListener listener = data -> {
            frame[0]++;
            Integer original = handle.getOriginalLength();
            handler.onPacket(frame[0], Timestamps.micros(handle.getTimestamp()), data, data.length,
                    original == null ? data.length : original);
        };
        while (!stopped) {
            try {
                handle.loop(-1, listener);
            } catch (InterruptedException e) {
                // breakLoop(): stop() asked for it (or a spurious break, then loop again)
            } catch (PcapNativeException e) {
                if (stopped) {
                    return;
                }
                throw new CaptureException("capture on " + interfaceName + " failed: " + libpcapWords(e.getMessage()),
                        null, e);
            } catch (NotOpenException e) {
                return;
            }
        }
    }

    /** Ends {@link #run} soon; safe from any thread and more than once. */
    public void stop() {
        stopped = true;
        if (closed) {
            return;
        }
        try {
            handle.breakLoop();
        } catch (NotOpenException ignored) {
            // already closed: nothing to stop
        }
    }

    public boolean isStopped() {
        return stopped;
    }

    public CaptureStats stats() {
        try {
            PcapStat s = handle.getStats();
            return new CaptureStats(s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf());
        } catch (PcapNativeException | NotOpenException e) {
            return new CaptureStats(-1, -1, -1);
        }
    }

    @Override
    public void close() {
        stopped = true;
        closed = true;
        handle.close();
    }
}
