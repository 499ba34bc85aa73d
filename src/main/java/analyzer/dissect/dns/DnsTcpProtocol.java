package analyzer.dissect.dns;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.StreamProtocol;

/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message after a two-byte length. Recognised by the client's first
 * query, before the whole of it has arrived: a length that can hold a question and no more than a query needs, then
 * a header that only a query has — opcode QUERY, no truncation, the reserved bit and the response code zero, exactly
 * one question, no answers, at most one authority record (an IXFR's SOA) and two additional ones (EDNS, TSIG) — and
 * a first label of at most 63 bytes. Fifteen bytes with that shape are not found at the start of other streams. The client's side claims
 * the server's.
 */
public final class DnsTcpProtocol implements StreamProtocol {

    public static final DnsTcpProtocol INSTANCE = new DnsTcpProtocol();

    /** The length, the 12-byte header, the first label's length. */
    private static final int PROBE = 15;
    /** A header and the shortest question (the root name, type and class). */
    private static final int SHORTEST_QUERY = 12 + 5;
    /**
     * The longest first query looked for: one question, an IXFR's SOA, EDNS (padded to a block, RFC 8467) and a
     * TSIG fit in far less. Longer lengths are left to other protocols at once rather than held for 15 bytes.
     */
    private static final int LONGEST_QUERY = 4096;

    private DnsTcpProtocol() {
    }

    @Override
    public String name() {
        return "dns";
    }

    @Override
    public int probeLength() {
        return PROBE;
    }

    @Override
    public Recognition recognise(byte[] data, int offset, int length) {
        int n = Math.min(length, PROBE);
        for (int i = 0; i < n; i++) {
            if (!plausible(data, offset, i)) {
                return Recognition.NO;
            }
        }
        return n == PROBE ? Recognition.YES : Recognition.NEED_MORE;
    }

    /** Whether byte {@code i} of a stream's start fits a query, given the bytes before it. */
    private static boolean plausible(byte[] d, int at, int i) {
        int b = d[at + i] & 0xff;
        return switch (i) {
            case 0 -> b <= LONGEST_QUERY >> 8;
            case 1 -> u16(d, at) >= SHORTEST_QUERY && u16(d, at) <= LONGEST_QUERY;
            case 4 -> (b & 0x80) == 0 && (b & 0x78) == 0 && (b & 0x02) == 0; // a query, opcode QUERY, not truncated
            case 5 -> (b & 0x40) == 0 && (b & 0x0f) == 0;                    // Z and RCODE zero
            case 6, 8, 9, 10, 12 -> b == 0;
            case 7 -> b == 1;                                                 // one question
            case 11 -> b <= 1;
            case 13 -> b <= 2;
            case 14 -> b <= 63;
            default -> true;                                                  // the id
        };
    }

    static int u16(byte[] d, int at) {
        return (d[at] & 0xff) << 8 | d[at + 1] & 0xff;
    }

    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        return new DnsStreamDissector(stream);
    }
}
