package analyzer.capture;

import java.util.ArrayList;
import java.util.List;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.factory.PacketFactories;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * The middle pane of Wireshark for one frame: each protocol layer's header fields, decoded by pcap4j's static
 * packet factory. Slow next to the pipeline's own decoder, so only used for --layers.
 */
public final class LayerView {

    private LayerView() {
    }

    public static List<String> describe(int linkType, byte[] data, int length) {
        List<String> lines = new ArrayList<>();
        Packet packet;
        try {
            packet = PacketFactories.getFactory(Packet.class, DataLinkType.class)
                    .newInstance(data, 0, length, DataLinkType.getInstance(linkType));
        } catch (RuntimeException e) {
            lines.add("undecodable frame: " + e.getMessage());
            return lines;
        }
        for (Packet p = packet; p != null; p = p.getPayload()) {
            Packet.Header h = p.getHeader();
            if (p instanceof EthernetPacket eth) {
                EthernetPacket.EthernetHeader e = eth.getHeader();
                lines.add(String.format("Ethernet  src %s  dst %s  type %s", e.getSrcAddr(), e.getDstAddr(),
                        e.getType()));
            } else if (p instanceof IpV4Packet ip) {
                IpV4Packet.IpV4Header v4 = ip.getHeader();
                lines.add(String.format("IPv4      src %s  dst %s  ttl %d  total length %d  id %d%s",
                        v4.getSrcAddr().getHostAddress(), v4.getDstAddr().getHostAddress(), v4.getTtlAsInt(),
                        v4.getTotalLengthAsInt(), v4.getIdentificationAsInt(), v4.getDontFragmentFlag() ? "  DF" : ""));
            } else if (p instanceof IpV6Packet ip) {
                IpV6Packet.IpV6Header v6 = ip.getHeader();
                lines.add(String.format("IPv6      src %s  dst %s  hop limit %d  payload length %d",
                        v6.getSrcAddr().getHostAddress(), v6.getDstAddr().getHostAddress(), v6.getHopLimitAsInt(),
                        v6.getPayloadLengthAsInt()));
            } else if (p instanceof TcpPacket tcp) {
                TcpPacket.TcpHeader t = tcp.getHeader();
                List<String> flags = new ArrayList<>();
                if (t.getSyn()) {
                    flags.add("SYN");
                }
                if (t.getAck()) {
                    flags.add("ACK");
                }
                if (t.getPsh()) {
                    flags.add("PSH");
                }
                if (t.getFin()) {
                    flags.add("FIN");
                }
                if (t.getRst()) {
                    flags.add("RST");
                }
                lines.add(String.format("TCP       %d → %d  seq %d  ack %d  flags [%s]  window %d  payload %d bytes",
                        t.getSrcPort().valueAsInt(), t.getDstPort().valueAsInt(), t.getSequenceNumberAsLong(),
                        t.getAcknowledgmentNumberAsLong(), String.join(", ", flags), t.getWindowAsInt(),
                        tcp.getPayload() == null ? 0 : tcp.getPayload().length()));
                break;
            } else if (h != null) {
                lines.add(h.getClass().getSimpleName().replace("Header", "") + "  " + h.length() + " header bytes");
            } else {
                lines.add("payload  " + p.length() + " bytes");
                break;
            }
        }
        return lines;
    }

}
