package analyzer.capture;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Which of the interfaces libpcap lists is the loopback, decided from what libpcap says about each rather than
 * from a name guessed per system: Linux's {@code lo}, macOS's {@code lo0} (whose frames start with a 4-byte
 * address family, link type NULL) and Npcap's {@code \Device\NPF_Loopback} on Windows all carry libpcap's loopback
 * flag. Npcap versions that do not set it are known by their adapter's name; as a last resort, an interface with
 * a loopback address.
 */
final class LoopbackDevice {

    /** What libpcap says about one interface. */
    record Listed(String name, String description, boolean loopbackFlag, List<InetAddress> addresses) {
    }

    private LoopbackDevice() {
    }

    /** The loopback's name, or a CaptureException that says what to do on this system. */
    static String choose(List<Listed> devices, HostSystem system) throws CaptureException {
        for (Listed d : devices) {
            if (d.loopbackFlag()) {
                return d.name();
            }
        }
        for (Listed d : devices) {
            String name = d.name().toLowerCase(Locale.ROOT);
            String description = d.description() == null ? "" : d.description().toLowerCase(Locale.ROOT);
            if (name.endsWith("npf_loopback") || description.contains("loopback traffic capture")) {
                return d.name();
            }
        }
        for (Listed d : devices) {
            if (d.addresses().stream().anyMatch(InetAddress::isLoopbackAddress)) {
                return d.name();
            }
        }
        throw new CaptureException(devices.isEmpty() ? "libpcap lists no interface to capture on"
                : "no loopback interface among " + String.join(", ", devices.stream().map(Listed::name).toList()),
                devices.isEmpty() && system != HostSystem.WINDOWS ? system.permissionHint() : system.noLoopbackHint(),
                null);
    }
}
