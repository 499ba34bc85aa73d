package analyzer.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

/**
 * Frames from a capture file. pcap and pcapng are read by {@link CaptureFileReader} in plain Java (fast, and no
 * libpcap needed); any other format libpcap knows (e.g. the modified-pcap variants) goes through pcap4j.
 */
public final class FilePacketSource implements AutoCloseable {

    private final Path file;
    private final CaptureFileReader reader;
    private final PcapHandle handle;

    private FilePacketSource(Path file, CaptureFileReader reader, PcapHandle handle) {
        this.file = file;
        this.reader = reader;
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
        CaptureException unknown;
        try {
            return new FilePacketSource(file, new CaptureFileReader(file), null);
        } catch (IOException e) {
            throw new CaptureException("cannot read " + file + ": " + e.getMessage());
        } catch (CaptureException e) {
            if (!e.getMessage().contains("unknown file format")) {
                throw e;
            }
            unknown = e;
        }
        Libpcap.configure();
        try {
            return new FilePacketSource(file, null, Pcaps.openOffline(file.toString(),
                    PcapHandle.TimestampPrecision.MICRO));
        } catch (PcapNativeException | LinkageError e) {
            throw unknown;
        }
    }

    /**
     * Receives each TLS key log embedded in the file (pcapng Decryption Secrets Blocks) before the packets that
     * follow it; set before {@link #run}.
     */
    public void onSecrets(java.util.function.Consumer<String> sink) {
        if (reader != null) {
            reader.onSecrets(sink);
        }
    }

    /** The file's link type (DLT_ value). */
    public int linkType() {
        return reader != null ? reader.linkType() : handle.getDlt().value();
    }

    /**
     * Delivers every readable frame in order. A damaged or truncated file ends with a CaptureException saying what
     * is wrong, after the frames before the damage were delivered.
     */
    public void run(PacketHandler handler) throws CaptureException {
        if (reader != null) {
            try {
                reader.run(handler);
            } catch (IOException e) {
                throw new CaptureException("cannot read " + file + " after " + reader.packets() + " packets: "
                        + e.getMessage());
            }
            return;
        }
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
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only file: nothing is lost
            }
        } else {
            handle.close();
        }
    }
}
