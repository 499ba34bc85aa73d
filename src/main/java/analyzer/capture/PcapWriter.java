package analyzer.capture;

import java.nio.file.Path;
import java.util.Arrays;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/** Writes frames to a pcap file that Wireshark and tshark open (libpcap's own writer, via pcap4j). */
public final class PcapWriter implements CaptureWriter {

    private final Path file;
    private final PcapHandle dead;
    private final PcapDumper dumper;
    private boolean closed;

    private PcapWriter(Path file, PcapHandle dead, PcapDumper dumper) {
        this.file = file;
        this.dead = dead;
        this.dumper = dumper;
    }

    public static PcapWriter create(Path file, int linkType, int snaplen) throws CaptureException {
        Libpcap.configure();
        PcapHandle dead = null;
        try {
            dead = Pcaps.openDead(DataLinkType.getInstance(linkType), snaplen, PcapHandle.TimestampPrecision.MICRO);
            return new PcapWriter(file, dead, dead.dumpOpen(file.toString()));
        } catch (PcapNativeException | NotOpenException e) {
            if (dead != null) {
                dead.close();
            }
            throw new CaptureException("cannot write " + file + ": " + e.getMessage(),
                    "Check that the directory exists and is writable", e);
        } catch (LinkageError e) {
            throw Libpcap.missing(e);
        }
    }

    @Override
    public Path file() {
        return file;
    }

    /** A pcap has no place for comments or secrets. */
    @Override
    public boolean annotates() {
        return false;
    }

    @Override
    public void comment(long frame, String text) {
    }

    @Override
    public void secrets(String nssKeyLog) {
    }

    /** Frames cut by the snap length are written as captured (libpcap's dumper records that length only). */
    @Override
    public synchronized void write(long timestampMicros, byte[] data, int capturedLength, int originalLength) {
        if (closed) {
            return;
        }
        byte[] frame = data.length == capturedLength ? data : Arrays.copyOf(data, capturedLength);
        try {
            dumper.dumpRaw(frame, Timestamps.of(timestampMicros));
        } catch (NotOpenException e) {
            closed = true;
        }
    }

    /** Flushes and closes; without this the file would end mid-packet. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            dumper.flush();
        } catch (PcapNativeException | NotOpenException ignored) {
            // closing below writes what is buffered anyway
        }
        dumper.close();
        dead.close();
    }
}
