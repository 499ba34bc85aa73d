package analyzer.dissect.quic;

import java.util.HexFormat;

/**
 * The QUIC versions whose Initial packets can be read: each has a public salt for its Initial secrets and its own
 * labels and long-header type numbers (RFC 9001 §5.2, RFC 9369 for version 2).
 */
public enum QuicVersion {
    V1(0x00000001, "QUIC v1", "38762cf7f55934b34d179ae6a4c80cadccbb7f0a", "quic ", new int[] {0, 1, 2, 3}),
    V2(0x6b3343cf, "QUIC v2", "0dede3def700a6db819381be6e269dcbf9bd2ed9", "quicv2 ", new int[] {1, 2, 3, 0}),
    DRAFT_29(0xff00001d, "QUIC draft-29", "afbfec289993d24c9e9786f19c6111e04390a899", "quic ", new int[] {0, 1, 2, 3});

    private final int number;
    private final String label;
    private final byte[] initialSalt;
    private final String keyLabelPrefix;
    /** Long-header type bits of Initial, 0-RTT, Handshake and Retry, in that order. */
    private final int[] typeBits;

    QuicVersion(int number, String label, String saltHex, String keyLabelPrefix, int[] typeBits) {
        this.number = number;
        this.label = label;
        this.initialSalt = HexFormat.of().parseHex(saltHex);
        this.keyLabelPrefix = keyLabelPrefix;
        this.typeBits = typeBits;
    }

    /** The version on the wire, or null for one we cannot read. */
    public static QuicVersion of(int number) {
        for (QuicVersion v : values()) {
            if (v.number == number) {
                return v;
            }
        }
        return null;
    }

    public int number() {
        return number;
    }

    /** "QUIC v1" */
    public String label() {
        return label;
    }

    byte[] initialSalt() {
        return initialSalt.clone();
    }

    /** "quic " or "quicv2 ", before "key", "iv" and "hp". */
    String keyLabelPrefix() {
        return keyLabelPrefix;
    }

    /** The packet type of long-header type bits (0–3). */
    QuicPacketType longType(int bits) {
        for (int i = 0; i < 4; i++) {
            if (typeBits[i] == bits) {
                return switch (i) {
                    case 0 -> QuicPacketType.INITIAL;
                    case 1 -> QuicPacketType.ZERO_RTT;
                    case 2 -> QuicPacketType.HANDSHAKE;
                    default -> QuicPacketType.RETRY;
                };
            }
        }
        throw new IllegalArgumentException("type bits " + bits);
    }

    /** Any version number as people read it: "QUIC v1", or "0x51303530" for one we do not know. */
    public static String describe(int number) {
        QuicVersion v = of(number);
        return v != null ? v.label : number == 0 ? "version negotiation" : String.format("QUIC 0x%08x", number);
    }
}
