package analyzer.capture;

import java.nio.file.Path;

/**
 * Where captured frames are kept: a classic pcap ({@link PcapWriter}) or a pcapng ({@link PcapngWriter}), which can
 * also carry a comment on any frame — what the tool saw there — and TLS secrets for Wireshark to decrypt with.
 * Frames are numbered from 1 in the order they are written, as Wireshark numbers them.
 */
public interface CaptureWriter extends AutoCloseable {

    /** A pcap for a name ending in .pcap (or .cap), a pcapng otherwise. */
    static CaptureWriter create(Path file, int linkType, int snaplen) throws CaptureException {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".pcap") || name.endsWith(".cap")) {
            return PcapWriter.create(file, linkType, snaplen);
        }
        return PcapngWriter.create(file, linkType, snaplen);
    }

    Path file();

    /** One frame; {@code capturedLength} bytes of {@code data} are kept. */
    void write(long timestampMicros, byte[] data, int capturedLength, int originalLength);

    /** Whether frames can carry comments and secrets can be embedded (pcapng), or they are dropped (pcap). */
    boolean annotates();

    /**
     * Attaches a comment to a frame already written or still to come (shown by Wireshark in the packet's details,
     * by tshark as {@code frame.comment}); a frame may get several. Ignored by a pcap.
     */
    void comment(long frame, String text);

    /**
     * TLS secrets in the NSS key log format ("CLIENT_RANDOM …", "CLIENT_TRAFFIC_SECRET_0 …", one per line), embedded
     * ahead of the frames (a Decryption Secrets Block) so that Wireshark decrypts the TLS in the file without a key
     * log of its own. Ignored by a pcap.
     */
    void secrets(String nssKeyLog);

    /** Writes what is pending (comments, secrets) and closes; the file is complete only after this. */
    @Override
    void close();
}
