package analyzer.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

/** Frames from a pcap or pcapng file (libpcap reads both). */
public final class FilePacketSource implements AutoCloseable {

    private final Path file;
    private final PcapHandle handle;

    private FilePacketSource(Path file, PcapHandle handle) {
        this.file = file;
        this.handle = handle;
    }

    public static FilePacketSource open(Path file) throws CaptureException {
        if (!Files.exists(file)) {
            throw new CaptureException("cannot read " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new CaptureException("cannot read " + file + ": it is a directory, not a capture file");
        }
        if (!Files.isReadable(file)) {
            throw new CaptureException("cannot read " + file + ": permission denied");
        }
        Libpcap.configure();
        try {
            return new FilePacketSource(file, Pcaps.openOffline(file.toString(),
                    PcapHandle.TimestampPrecision.MICRO));
        } catch (PcapNativeException e) {
            String why = e.getMessage() == null ? "unreadable" : e.getMessage();
            if (why.contains("unknown file format") || why.contains("bad dump file format")) {
                why = "not a pcap or pcapng file (" + why + ")";
            }
            throw new CaptureException("cannot read " + file + ": " + why);
        } catch (LinkageError e) {
            throw Libpcap.missing(e);
        }
    }

    /** The file's link type (DLT_ value). */
    public int linkType() {
        return handle.getDlt().value();
    }

    /**
     * Delivers every readable frame in order. A damaged or truncated file ends with a CaptureException saying what
     * is wrong, after the frames before the damage were delivered.
     */
    public void run(PacketHandler handler) throws CaptureException {
        long[] frame = {0};
        RawPacketListener listener = data -> {
            frame[0]++;
            Integer original = handle.getOriginalLength();
            handler.onPacket(frame[0], Timestamps.micros(handle.getTimestamp()), data, data.length,
                    original == null ? data.length : original);
        };
        try {
            handle.loop(-1, listener);
        } catch (PcapNativeException e) {
            throw new CaptureException(file + " is damaged after " + frame[0] + " packets: " + libpcapError(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NotOpenException e) {
            throw new CaptureException("cannot read " + file + ": the capture was closed");
        }
    }

    private String libpcapError(PcapNativeException e) {
        try {
            String error = handle.getError();
            if (error != null && !error.isBlank()) {
                return error;
            }
        } catch (NotOpenException ignored) {
            // fall back to the exception's own words
        }
        return e.getMessage();
    }

    @Override
    public void close() {
        handle.close();
    }
}
