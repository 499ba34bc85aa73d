package analyzer.capture;

import java.util.ArrayList;
import java.util.List;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/** The interfaces libpcap can capture on. */
public final class Interfaces {

    private Interfaces() {
    }

    /** One line per interface: name, addresses, and whether it is the loopback. */
    public static List<String> describe() throws CaptureException {
        List<String> lines = new ArrayList<>();
        for (PcapNetworkInterface device : all()) {
            StringBuilder sb = new StringBuilder(String.format("%-12s ", device.getName()));
            List<String> addresses = new ArrayList<>();
            for (PcapAddress a : device.getAddresses()) {
                if (a.getAddress() != null) {
                    addresses.add(a.getAddress().getHostAddress());
                }
            }
            sb.append(addresses.isEmpty() ? "(no address)" : String.join(", ", addresses));
            if (device.isLoopBack()) {
                sb.append("  loopback (default)");
            }
            if (device.getDescription() != null) {
                sb.append("  ").append(device.getDescription());
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    public static List<String> names() {
        List<String> names = new ArrayList<>();
        try {
            for (PcapNetworkInterface device : all()) {
                names.add(device.getName());
            }
        } catch (CaptureException e) {
            // the caller is already reporting an error; an empty list just shortens its hint
        }
        return names;
    }

    /** The loopback device's name ("lo" on Linux, "lo0" on macOS). */
    public static String loopbackName() throws CaptureException {
        for (PcapNetworkInterface device : all()) {
            if (device.isLoopBack()) {
                return device.getName();
            }
        }
        return System.getProperty("os.name", "").startsWith("Mac") ? "lo0" : "lo";
    }

    private static List<PcapNetworkInterface> all() throws CaptureException {
        Libpcap.configure();
        try {
            return Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new CaptureException("cannot list network interfaces: " + e.getMessage(),
                    LivePacketSource.PERMISSION_HINT, e);
        } catch (LinkageError e) {
            throw Libpcap.missing(e);
        }
    }
}
