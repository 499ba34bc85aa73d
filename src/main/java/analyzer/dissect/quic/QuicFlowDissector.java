package analyzer.dissect.quic;

import analyzer.dissect.EventSink;
import analyzer.dissect.Frames;
import analyzer.dissect.quic.QuicPacketSeen;
import analyzer.dissect.TlsHandshake;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The QUIC packets of one UDP flow. Initial packets are opened with keys derived from the Destination Connection ID
 * of the client's first Initial (RFC 9001 §5.2); the CRYPTO frames inside are put back in order per direction and
 * the TLS handshake messages they complete are read — which is how the SNI, sent "encrypted", is read by anyone on
 * the path. Handshake, 0-RTT and 1-RTT packets are reported as the ciphertext they are.
 */
public final class QuicFlowDissector {

    private final Flow flow;
    private final EventSink sink;
    private final CryptoStream[] crypto = {new CryptoStream(), new CryptoStream()};
    private final InitialProtection[] keys = new InitialProtection[2];
    /**
     * The client's first Initial DCID, which keys both directions' Initials for the whole handshake (later client
     * Initials carry the server's chosen ID instead); a Retry makes the next client Initial's DCID the new one.
     */
    private byte[] keysDcid;
    private boolean retried;
    private boolean quic;
    private boolean overflowReported;

    public QuicFlowDissector(Flow flow, EventSink sink) {
        this.flow = flow;
        this.sink = sink;
    }

    /** Whether a datagram starts with a QUIC long header of a version we read (or Version Negotiation). */
    public static boolean looksLikeQuic(byte[] d, int offset, int length) {
        return !QuicPacketHeader.read(d, offset, length, false).isEmpty();
    }

    /** Whether this flow has carried QUIC, so short-header datagrams are taken as 1-RTT packets. */
    public boolean isQuic() {
        return quic;
    }

    /** @return false when the datagram holds no QUIC packet (it was not reported) */
    public boolean datagram(Direction direction, byte[] d, int offset, int length, long frame, long ts) {
        List<QuicPacketHeader> packets = QuicPacketHeader.read(d, offset, length, quic);
        if (packets.isEmpty()) {
            return false;
        }
        quic = true;
        Frames frames = frame > 0 ? Frames.of(frame) : Frames.NONE;
        for (QuicPacketHeader p : packets) {
            List<TlsHandshake> handshakes = List.of();
            String problem = null;
            if (p.type() == QuicPacketType.RETRY) {
                retried = true;
            } else if (p.type() == QuicPacketType.INITIAL) {
                QuicVersion version = QuicVersion.of(p.version());
                if (direction == Direction.CLIENT_TO_SERVER && (keysDcid == null || retried)) {
                    retried = false;
                    deriveKeys(version, p.dcid());
                }
                InitialProtection protection = keys[direction.ordinal()];
                byte[] plain = protection == null ? null : protection.open(d, p.start(), p.pnOffset(), p.end());
                if (plain == null && direction == Direction.CLIENT_TO_SERVER
                        && !java.util.Arrays.equals(p.dcid(), keysDcid)) {
                    // A new connection on the same ports, or a capture that began after the first Initial.
                    InitialProtection fresh = InitialProtection.derive(version, p.dcid(), true);
                    plain = fresh.open(d, p.start(), p.pnOffset(), p.end());
                    if (plain != null) {
                        deriveKeys(version, p.dcid());
                        crypto[0] = new CryptoStream();
                        crypto[1] = new CryptoStream();
                        protection = fresh;
                    }
                }
                if (plain == null) {
                    problem = protection == null ? "not decrypted: the client's first Initial was not captured"
                            : "not decrypted: the packet does not authenticate with the Initial keys";
                } else {
                    CryptoStream stream = crypto[direction.ordinal()];
                    InitialFrames.Summary summary = InitialFrames.read(plain, stream);
                    handshakes = handshakes(stream);
                    if (summary.malformed()) {
                        problem = "malformed frames in the decrypted Initial";
                    } else if (summary.closeError() >= 0) {
                        problem = "CONNECTION_CLOSE error " + summary.closeError()
                                + (summary.closeReason().isEmpty() ? "" : " \"" + summary.closeReason() + "\"");
                    }
                    if (stream.overflowed() && !overflowReported) {
                        overflowReported = true;
                        problem = "CRYPTO data past " + CryptoStream.LIMIT + " bytes was not read";
                    }
                }
            }
            sink.accept(new QuicPacketSeen(flow, direction, ts, frames, p.type(), p.version(), hex(p.dcid()),
                    hex(p.scid()), p.length(), handshakes, problem));
        }
        return true;
    }

    private void deriveKeys(QuicVersion version, byte[] dcid) {
        keysDcid = dcid;
        keys[0] = InitialProtection.derive(version, dcid, true);
        keys[1] = InitialProtection.derive(version, dcid, false);
    }

    private static List<TlsHandshake> handshakes(CryptoStream stream) {
        List<TlsHandshake> out = new ArrayList<>(1);
        for (byte[] m : stream.takeMessages()) {
            out.add(TlsHandshake.read(m[0] & 0xff, m, 4, m.length - 4));
        }
        return out;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
