package analyzer.dissect.quic;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.dissect.TlsHandshake;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.List;

/**
 * One QUIC packet of a UDP flow. Initial packets are decrypted (their keys derive from public values) and the TLS
 * handshake messages their CRYPTO frames completed are in {@code handshakes} (the ClientHello's SNI and ALPN, the
 * ServerHello's cipher suite); every other packet is ciphertext.
 *
 * @param version  the version field (0 for Version Negotiation), or -1 for a short-header (1-RTT) packet
 * @param dcid     the Destination Connection ID in hex ("" when the header does not say)
 * @param length   the packet's bytes
 * @param problem  why an Initial could not be read ("not decrypted: …"), or null
 */
public record QuicPacketSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                             QuicPacketType packetType, int version, String dcid, String scid, int length,
                             List<TlsHandshake> handshakes, String problem) implements Event {

    public QuicPacketSeen {
        handshakes = List.copyOf(handshakes);
    }
}
