package analyzer.dissect.http2;

import analyzer.dissect.BodyPreview;
import analyzer.dissect.BoundedInflater;
import io.netty.buffer.ByteBuf;
import java.util.Locale;

/**
 * Removes a body's content coding (gzip, deflate) as its DATA arrives, into a {@link BodyPreview}. Bounded: past
 * {@link #MAX_DECODED} decoded bytes (a deflate bomb, or just a large body) it stops decoding and says so.
 */
final class ContentDecoder {

    /** Decoded bytes worth producing for display and secret search; more costs time and shows nothing new. */
    static final long MAX_DECODED = 16L << 20;

    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;

    /** The parts of a gzip member header (RFC 1952 2.3), in order; each but FIXED present only if flagged. */
    private enum Part { FIXED, EXTRA_LENGTH, EXTRA, NAME, COMMENT, HEADER_CRC, DONE }

    private final String coding;
    private final boolean gzip;
    private BoundedInflater inflater;
    private String failure;
    private byte[] chunk = new byte[8192];

    private Part part;
    private final byte[] fixed = new byte[10];
    private int fixedFill;
    private int flags;
    /** Bytes still to pass over in a part of known length (EXTRA_LENGTH, EXTRA, HEADER_CRC). */
    private int need;
    private int extraLength;

    private ContentDecoder(String coding, boolean gzip) {
        this.coding = coding;
        this.gzip = gzip;
        this.part = gzip ? Part.FIXED : Part.DONE;
    }

    /** A decoder for that content-encoding, or null when it is none or one we do not decode (then: as is). */
    static ContentDecoder forCoding(String contentEncoding) {
        if (contentEncoding == null) {
            return null;
        }
        String c = contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (c) {
            case "gzip", "x-gzip" -> new ContentDecoder(c, true);
            case "deflate" -> new ContentDecoder(c, false);
            default -> null;
        };
    }

    String coding() {
        return coding;
    }

    /** Why decoding stopped (corrupt input, the size bound), or null. */
    String failure() {
        return failure;
    }

    /** Roughly the heap this decoder holds. */
    long footprint() {
        return 96 + chunk.length + (inflater != null ? inflater.footprint() : 0);
    }

    void decode(ByteBuf encoded, BodyPreview into) {
        int n = encoded.readableBytes();
        if (chunk.length < n) {
            chunk = new byte[n];
        }
        encoded.getBytes(encoded.readerIndex(), chunk, 0, n);
        decode(chunk, 0, n, into);
    }

    private void decode(byte[] b, int offset, int length, BodyPreview into) {
        if (failure != null || length == 0) {
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
            // "deflate" is zlib-wrapped by the standard; some servers send it raw. A zlib header says which.
            boolean zlib = !gzip && end - pos >= 2 && (b[pos] & 0x0f) == 8
                    && (((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff)) % 31 == 0;
            inflater = new BoundedInflater(gzip || !zlib, MAX_DECODED);
        }
        if (inflater.finished()) {
            return; // the gzip trailer, or bytes after the end of the stream
        }
        if (!inflater.inflate(b, pos, end - pos, into)) {
            failure = coding + " body " + inflater.failure();
            close();
        }
    }

    /** Passes over a gzip member header; returns where the deflate data starts (the header may be split). */
    private int gzipHeader(byte[] b, int pos, int end) {
        while (pos < end && part != Part.DONE) {
            switch (part) {
                case FIXED -> {
                    fixed[fixedFill++] = b[pos++];
                    if (fixedFill == fixed.length) {
                        if ((fixed[0] & 0xff) != 0x1f || (fixed[1] & 0xff) != 0x8b || fixed[2] != 8) {
                            failure = coding + " body could not be decoded: not in gzip format";
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

    void close() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }
}
