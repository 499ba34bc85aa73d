package analyzer.dissect;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.brotli.dec.BrotliInputStream;

/**
 * Removes a body's content coding (gzip, deflate, br) as its bytes arrive, into a {@link BodyPreview}: the one
 * content decoder of the HTTP/1 and HTTP/2 dissectors and of the proxy's rewrites. Bounded: past its bound
 * ({@link #MAX_DECODED} unless told otherwise) of decoded bytes — a decompression bomb, or just a large body — it
 * stops decoding and says so in {@link #failure()}. A gzip member's trailer (CRC-32 and length) is checked.
 *
 * <p>Brotli's decoder reads a stream and cannot stop for more input: br bodies are kept compressed (at most the
 * bound) and decoded when the message ends ({@link #finish}) or stops ({@link #flush}).
 */
public final class ContentDecoder {

    /**
     * Decoded bytes worth producing for display and secret search, and the decompression-bomb bound: more costs
     * time and shows nothing new.
     */
    public static final long MAX_DECODED = 16L << 20;

    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final byte[] NOTHING = new byte[0];

    /** The parts of a gzip member header (RFC 1952 2.3), in order; each but FIXED present only if flagged. */
    private enum Part { FIXED, EXTRA_LENGTH, EXTRA, NAME, COMMENT, HEADER_CRC, DONE }

    private enum Kind { GZIP, DEFLATE, BROTLI }

    private final String coding;
    private final Kind kind;
    private final long max;
    private BoundedInflater inflater;
    private String failure;
    private byte[] chunk = NOTHING;
    private boolean started;
    private boolean closed;

    private Part part;
    private final byte[] fixed = new byte[10];
    private int fixedFill;
    private int flags;
    /** Bytes still to pass over in a part of known length (EXTRA_LENGTH, EXTRA, HEADER_CRC). */
    private int need;
    private int extraLength;
    /** The gzip trailer: CRC-32 and ISIZE, little-endian; it may arrive split. */
    private final byte[] trailer = new byte[8];
    private int trailerFill;

    /** A br body as it came, until it is decoded at once. */
    private byte[] compressed = NOTHING;
    private int compressedFill;

    private ContentDecoder(String coding, Kind kind, long max) {
        this.coding = coding;
        this.kind = kind;
        this.max = max;
        this.part = kind == Kind.GZIP ? Part.FIXED : Part.DONE;
    }

    /** A decoder for that content-encoding, or null when it is none or one we do not decode (then: as is). */
    public static ContentDecoder forCoding(String contentEncoding) {
        return forCoding(contentEncoding, MAX_DECODED);
    }

    /** The same, stopping past {@code max} decoded bytes. */
    public static ContentDecoder forCoding(String contentEncoding, long max) {
        if (contentEncoding == null) {
            return null;
        }
        String c = contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (c) {
            case "gzip", "x-gzip" -> new ContentDecoder(c, Kind.GZIP, max);
            case "deflate", "x-deflate" -> new ContentDecoder(c, Kind.DEFLATE, max);
            case "br" -> new ContentDecoder(c, Kind.BROTLI, max);
            default -> null;
        };
    }

    /** The coding as named (lower case): what the body was decoded from. */
    public String coding() {
        return coding;
    }

    /**
     * Why decoding stopped, as a phrase that starts with "content" ("content could not be decoded: CRC value
     * mismatch…", "content decodes to more than 16 MiB…"), or null.
     */
    public String failure() {
        return failure;
    }

    /** Roughly the heap this decoder holds. */
    public long footprint() {
        return 120 + chunk.length + compressed.length + (inflater != null ? inflater.footprint() : 0);
    }

    public void decode(ByteBuf encoded, BodyPreview into) {
        int n = encoded.readableBytes();
        if (n == 0 || failure != null) {
            return;
        }
        if (encoded.hasArray()) {
            decode(encoded.array(), encoded.arrayOffset() + encoded.readerIndex(), n, into);
            return;
        }
        if (chunk.length < n) {
            chunk = new byte[Math.max(n, 8192)];
        }
        encoded.getBytes(encoded.readerIndex(), chunk, 0, n);
        decode(chunk, 0, n, into);
    }

    public void decode(byte[] b, int offset, int length, BodyPreview into) {
        if (failure != null || closed || length == 0) {
            return;
        }
        started = true;
        if (kind == Kind.BROTLI) {
            keepCompressed(b, offset, length);
            return;
        }
        int pos = offset;
        int end = offset + length;
        if (part != Part.DONE) {
            pos = gzipHeader(b, pos, end);
            if (part != Part.DONE || failure != null) {
                return;
            }
        }
        if (pos == end) {
            return;
        }
        if (inflater == null) {
            if (kind == Kind.GZIP) {
                inflater = new BoundedInflater(true, max).withCrc();
            } else {
                // "deflate" is zlib-wrapped by the standard; some servers send it raw. A zlib header (its first
                // two bytes, which may come apart) says which.
                if (fixedFill == 0 && end - pos == 1) {
                    fixed[fixedFill++] = b[pos];
                    return;
                }
                int first = (fixedFill == 1 ? fixed[0] : b[pos]) & 0xff;
                int second = (fixedFill == 1 ? b[pos] : b[pos + 1]) & 0xff;
                boolean zlib = (first & 0x0f) == 8 && ((first << 8) | second) % 31 == 0;
                inflater = new BoundedInflater(!zlib, max);
                if (fixedFill == 1 && !inflate(fixed, 0, 1, into)) {
                    return;
                }
            }
        }
        if (inflater.finished()) {
            gzipTrailer(b, pos, end);
            return;
        }
        if (inflate(b, pos, end - pos, into) && inflater.finished()) {
            gzipTrailer(b, end - inflater.remaining(), end);
        }
    }

    private boolean inflate(byte[] b, int offset, int length, BodyPreview into) {
        if (inflater.inflate(b, offset, length, into)) {
            return true;
        }
        failure = inflater.produced() > max ? tooLarge() : "content could not be decoded: " + inflater.failure();
        close();
        return false;
    }

    /**
     * The message ended: decodes what is still held (br), and fails when the coded stream did not end with it
     * (a truncated body must not pass for a whole one). A message without body bytes is fine in any coding.
     *
     * @return whether the body decoded whole
     */
    public boolean finish(BodyPreview into) {
        if (failure == null && started && !closed) {
            if (kind == Kind.BROTLI) {
                brotli(into, true);
            } else if (inflater == null || !inflater.finished() || (kind == Kind.GZIP && trailerFill < 8)) {
                failure = "content could not be decoded: the body ends before its " + coding + " stream does";
            }
        }
        close();
        return failure == null;
    }

    /** The message stopped short: decodes what can be of what is held (br), without judging the cut. */
    public void flush(BodyPreview into) {
        if (failure == null && kind == Kind.BROTLI && started && !closed) {
            brotli(into, false);
        }
        close();
    }

    /** Releases the inflater's native memory and what is held; decodes nothing more. */
    public void close() {
        closed = true;
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        compressed = NOTHING;
        compressedFill = 0;
    }

    private String tooLarge() {
        String bound = max % (1 << 20) == 0 ? (max >> 20) + " MiB" : max + " bytes";
        return "content decodes to more than " + bound + ": not decoded further";
    }

    private void keepCompressed(byte[] b, int offset, int length) {
        if ((long) compressedFill + length > max) {
            failure = "content is more than " + (max % (1 << 20) == 0 ? (max >> 20) + " MiB" : max + " bytes")
                    + " of " + coding + ": not decoded";
            compressed = NOTHING;
            compressedFill = 0;
            return;
        }
        if (compressedFill + length > compressed.length) {
            compressed = Arrays.copyOf(compressed, (int) Math.min(max,
                    Math.max(compressedFill + length, Math.max(4096L, 2L * compressed.length))));
        }
        System.arraycopy(b, offset, compressed, compressedFill, length);
        compressedFill += length;
    }

    private void brotli(BodyPreview into, boolean strict) {
        byte[] out = new byte[8192];
        long produced = 0;
        try (BrotliInputStream in = new BrotliInputStream(new ByteArrayInputStream(compressed, 0, compressedFill))) {
            int n;
            while ((n = in.read(out, 0, out.length)) != -1) {
                produced += n;
                into.append(out, 0, n);
                if (produced > max) {
                    failure = tooLarge();
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The decoder reports corrupt and truncated input with its own unchecked exception.
            if (strict) {
                String why = e.getMessage();
                failure = "content could not be decoded: " + (why != null ? why : "not valid brotli");
            }
        }
    }

    /** The 8 bytes after a gzip member's deflate data; what follows them is not read. */
    private void gzipTrailer(byte[] b, int pos, int end) {
        if (kind != Kind.GZIP || trailerFill == 8) {
            return;
        }
        int n = Math.min(8 - trailerFill, end - pos);
        System.arraycopy(b, pos, trailer, trailerFill, n);
        trailerFill += n;
        if (trailerFill < 8) {
            return;
        }
        long crc = littleEndian(0);
        long size = littleEndian(4);
        if (crc != inflater.crc()) {
            failure = "content could not be decoded: CRC value mismatch. Expected: " + crc + ", Got: "
                    + inflater.crc();
        } else if (size != (inflater.produced() & 0xffffffffL)) {
            failure = "content could not be decoded: Number of bytes mismatch. Expected: " + size + ", Got: "
                    + (inflater.produced() & 0xffffffffL);
        }
    }

    private long littleEndian(int at) {
        return (trailer[at] & 0xffL) | (trailer[at + 1] & 0xffL) << 8 | (trailer[at + 2] & 0xffL) << 16
                | (trailer[at + 3] & 0xffL) << 24;
    }

    /** Passes over a gzip member header; returns where the deflate data starts (the header may be split). */
    private int gzipHeader(byte[] b, int pos, int end) {
        while (pos < end && part != Part.DONE) {
            switch (part) {
                case FIXED -> {
                    fixed[fixedFill++] = b[pos++];
                    if (fixedFill == fixed.length) {
                        if ((fixed[0] & 0xff) != 0x1f || (fixed[1] & 0xff) != 0x8b || fixed[2] != 8) {
                            failure = "content could not be decoded: not in gzip format";
                            return end;
                        }
                        flags = fixed[3] & 0xff;
                        next(Part.FIXED);
                    }
                }
                case EXTRA_LENGTH -> {
                    extraLength |= (b[pos++] & 0xff) << (8 * (2 - need));
                    if (--need == 0) {
                        need = extraLength;
                        part = Part.EXTRA;
                        if (need == 0) {
                            next(Part.EXTRA);
                        }
                    }
                }
                case EXTRA, HEADER_CRC -> {
                    int n = Math.min(need, end - pos);
                    pos += n;
                    need -= n;
                    if (need == 0) {
                        next(part);
                    }
                }
                case NAME, COMMENT -> {
                    if (b[pos++] == 0) {
                        next(part);
                    }
                }
                default -> { }
            }
        }
        return pos;
    }

    /** Moves past {@code done} to the next part the header's flags say is present. */
    private void next(Part done) {
        Part p = done;
        while (true) {
            p = Part.values()[p.ordinal() + 1];
            boolean present = switch (p) {
                case EXTRA_LENGTH -> (flags & FEXTRA) != 0;
                case EXTRA -> false; // reached from EXTRA_LENGTH only
                case NAME -> (flags & FNAME) != 0;
                case COMMENT -> (flags & FCOMMENT) != 0;
                case HEADER_CRC -> (flags & FHCRC) != 0;
                default -> true;
            };
            if (present) {
                part = p;
                need = p == Part.EXTRA_LENGTH || p == Part.HEADER_CRC ? 2 : 0;
                return;
            }
        }
    }
}
