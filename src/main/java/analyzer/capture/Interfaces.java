package analyzer.capture;

import java.net.InetAddress;
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

    /** One line per interface: name, addresses, whether it is the loopback (the default), libpcap's description. */
    public static List<String> describe() throws CaptureException {
        List<PcapNetworkInterface> devices = all();
        String loopback;
        try {
            loopback = LoopbackDevice.choose(listed(devices), HostSystem.current());
        } catch (CaptureException e) {
            loopback = null;
        }
        List<String> lines = new ArrayList<>();
        for (PcapNetworkInterface device : devices) {
            StringBuilder sb = new StringBuilder(String.format("%-12s ", device.getName()));
            List<String> addresses = new ArrayList<>();
            for (PcapAddress a : device.getAddresses()) {
                if (a.getAddress() != null) {
                    addresses.add(a.getAddress().getHostAddress());
                }
            }
            sb.append(addresses.isEmpty() ? "(no address)" : String.join(", ", addresses));
            if (device.getName().equals(loopback)) {
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

    /**
     * The loopback interface as libpcap lists it here: "lo" on Linux, "lo0" on macOS, "\Device\NPF_Loopback" with
     * Npcap on Windows (see {@link LoopbackDevice}).
     */
    public static String loopbackName() throws CaptureException {
        return LoopbackDevice.choose(listed(all()), HostSystem.current());
    }

    private static List<LoopbackDevice.Listed> listed(List<PcapNetworkInterface> devices) {
        List<LoopbackDevice.Listed> listed = new ArrayList<>();
        for (PcapNetworkInterface d : devices) {
            List<InetAddress> addresses = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                if (a.getAddress() != null) {
                    addresses.add(a.getAddress());
                }
            }
            listed.add(new LoopbackDevice.Listed(d.getName(), d.getDescription(), d.isLoopBack(), addresses));
        }
        return listed;
    }

    private static List<PcapNetworkInterface> all() throws CaptureException {
        Libpcap.configure();
        try {
            return Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new CaptureException("cannot list network interfaces: " + e.getMessage(),
                    HostSystem.current().permissionHint(), e);
        } catch (LinkageError e) {
            throw Libpcap.missing(e);
        }
    }
}
