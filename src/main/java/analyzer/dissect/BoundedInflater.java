package analyzer.dissect;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a deflate stream as its pieces arrive, into a {@link BodyPreview} (which keeps only the first bytes and
 * counts the rest), and stops past a bound on the bytes it produces: a deflate bomb costs at most that much work,
 * never memory. Serves bodies under a content coding and WebSocket's permessage-deflate.
 */
public final class BoundedInflater {

    private final Inflater inflater;
    private final long max;
    private final byte[] out = new byte[8192];
    private long produced;
    private String failure;
    /** A CRC-32 of everything produced, for a gzip trailer to be checked against; null when not asked for. */
    private CRC32 crc;

    /**
     * @param raw a raw deflate stream (RFC 1951), else zlib-wrapped (RFC 1950)
     * @param max bytes to produce at most, counted from the last {@link #restartCount()}
     */
    public BoundedInflater(boolean raw, long max) {
        this.inflater = new Inflater(raw);
        this.max = max;
    }

    /** Keeps a CRC-32 of the bytes produced from now on (see {@link #crc()}). */
    public BoundedInflater withCrc() {
        crc = new CRC32();
        return this;
    }

    /** The CRC-32 of the bytes produced, when {@link #withCrc()} asked for it. */
    public long crc() {
        return crc.getValue();
    }

    /** Input bytes left over after the stream's final block (a gzip trailer, say) in the last input given. */
    public int remaining() {
        return inflater.getRemaining();
    }

    /** Inflates these compressed bytes; returns false once it has stopped ({@link #failure()} says why). */
    public boolean inflate(byte[] in, int offset, int length, BodyPreview into) {
        if (failure != null) {
            return false;
        }
        inflater.setInput(in, offset, length);
        try {
            while (true) {
                int n = inflater.inflate(out);
                if (n > 0) {
                    produced += n;
                    into.append(out, 0, n);
                    if (crc != null) {
                        crc.update(out, 0, n);
                    }
                    if (produced > max) {
                        failure = "inflated past " + (max >> 20) + " MiB: not inflated further";
                        return false;
                    }
                } else if (inflater.needsInput() || inflater.finished() || inflater.needsDictionary()) {
                    return true;
                }
            }
        } catch (DataFormatException e) {
            failure = "could not be inflated: " + e.getMessage();
            return false;
        }
    }

    /** Bytes produced since the last restart of the count. */
    public long produced() {
        return produced;
    }

    /** Counts the next message from zero, keeping the compression context (WebSocket context takeover). */
    public void restartCount() {
        produced = 0;
    }

    /** Why it stopped, or null. */
    public String failure() {
        return failure;
    }

    /** Whether the stream ended (its final block was read). */
    public boolean finished() {
        return inflater.finished();
    }

    /** Roughly the heap this inflater holds (the inflater's own window is native memory). */
    public long footprint() {
        return 400 + out.length;
    }

    /** Releases the native memory; call once done. */
    public void end() {
        inflater.end();
    }
}
