package analyzer.dissect.quic;

/** The kinds of QUIC packet, as tshark names them. */
public enum QuicPacketType {
    INITIAL("Initial"), ZERO_RTT("0-RTT"), HANDSHAKE("Handshake"), RETRY("Retry"),
    VERSION_NEGOTIATION("Version Negotiation"), ONE_RTT("1-RTT");

    private final String label;

    QuicPacketType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
