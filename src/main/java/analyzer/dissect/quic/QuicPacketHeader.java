package analyzer.dissect.quic;

import java.util.ArrayList;
import java.util.List;

/**
 * One QUIC packet's header as read in clear from a datagram (RFC 9000 §17): for long headers the version, both
 * connection IDs and, for Initial, 0-RTT and Handshake packets, where the protected packet number starts and where
 * the packet ends. A datagram may hold several long-header packets (coalesced) and at most one short-header packet,
 * last.
 *
 * @param version  the version field, or -1 for a short header
 * @param pnOffset where the protected packet number starts, or -1 when the type has none
 */
public record QuicPacketHeader(QuicPacketType type, int version, byte[] dcid, byte[] scid, int start, int pnOffset,
                               int end) {

    /** Connection IDs are at most 20 bytes in every version we read (RFC 9000 §17.2). */
    static final int MAX_CID = 20;

    public int length() {
        return end - start;
    }

    /**
     * Reads the packets of one datagram.
     *
     * @param quicFlow whether the flow already carried QUIC long headers, so a short header may be taken for 1-RTT
     * @return the packets, or an empty list when the datagram does not start with a QUIC packet we can read
     */
    public static List<QuicPacketHeader> read(byte[] d, int offset, int length, boolean quicFlow) {
        List<QuicPacketHeader> packets = new ArrayList<>(2);
        int end = offset + length;
        int pos = offset;
        while (pos < end) {
            int first = d[pos] & 0xff;
            if ((first & 0x80) == 0) {
                if (quicFlow) {
                    packets.add(new QuicPacketHeader(QuicPacketType.ONE_RTT, -1, new byte[0], new byte[0], pos, -1, end));
                }
                break; // a short header runs to the end of the datagram
            }
            QuicPacketHeader p = longHeader(d, pos, end, quicFlow || !packets.isEmpty());
            if (p == null) {
                break; // padding after the last packet, or not QUIC
            }
            packets.add(p);
            pos = p.end;
        }
        return packets;
    }

    /**
     * @param quicFlow whether the flow is known to be QUIC: then the fixed bit may be clear, as peers that agreed to
     *                 grease it send (RFC 9287); the first packet of a flow must have it set to be recognised
     */
    private static QuicPacketHeader longHeader(byte[] d, int start, int end, boolean quicFlow) {
        int pos = start + 1;
        if (pos + 4 + 1 > end) {
            return null;
        }
        int version = ((d[pos] & 0xff) << 24) | ((d[pos + 1] & 0xff) << 16) | ((d[pos + 2] & 0xff) << 8)
                | (d[pos + 3] & 0xff);
        pos += 4;
        int dcidLength = d[pos++] & 0xff;
        if (pos + dcidLength + 1 > end) {
            return null;
        }
        byte[] dcid = java.util.Arrays.copyOfRange(d, pos, pos + dcidLength);
        pos += dcidLength;
        int scidLength = d[pos++] & 0xff;
        if (pos + scidLength > end) {
            return null;
        }
        byte[] scid = java.util.Arrays.copyOfRange(d, pos, pos + scidLength);
        pos += scidLength;
        if (version == 0) {
            // Version Negotiation: the rest lists versions, four bytes each.
            return (end - pos) % 4 == 0 && end > pos
                    ? new QuicPacketHeader(QuicPacketType.VERSION_NEGOTIATION, 0, dcid, scid, start, -1, end) : null;
        }
        QuicVersion v = QuicVersion.of(version);
        if (v == null || dcidLength > MAX_CID || scidLength > MAX_CID || (!quicFlow && (d[start] & 0x40) == 0)) {
            return null;
        }
        QuicPacketType type = v.longType(((d[start] & 0xff) >> 4) & 0x03);
        if (type == QuicPacketType.RETRY) {
            return new QuicPacketHeader(type, version, dcid, scid, start, -1, end);
        }
        if (type == QuicPacketType.INITIAL) {
            long tokenLength = Varint.read(d, pos, end);
            if (tokenLength < 0) {
                return null;
            }
            pos += Varint.size(d[pos]);
            if (tokenLength > end - pos) {
                return null;
            }
            pos += (int) tokenLength;
        }
        long payloadLength = Varint.read(d, pos, end);
        if (payloadLength < 0) {
            return null;
        }
        pos += Varint.size(d[pos]);
        if (payloadLength > end - pos || payloadLength < 1) {
            return null;
        }
        return new QuicPacketHeader(type, version, dcid, scid, start, pos, pos + (int) payloadLength);
    }
}
