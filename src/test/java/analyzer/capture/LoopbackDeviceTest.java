package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The default interface is the loopback as libpcap lists it on each system, never a name guessed per system; and
 * when something is missing, the error says what to do on that system. The lists are what libpcap reports there.
 */
class LoopbackDeviceTest {

    private static LoopbackDevice.Listed device(String name, String description, boolean loopback, String... addresses)
            throws Exception {
        List<InetAddress> list = new java.util.ArrayList<>();
        for (String a : addresses) {
            list.add(InetAddress.getByName(a));
        }
        return new LoopbackDevice.Listed(name, description, loopback, list);
    }

    @Test
    void linuxLo() throws Exception {
        assertEquals("lo", LoopbackDevice.choose(List.of(
                device("eth0", null, false, "192.0.2.2"),
                device("any", "Pseudo-device that captures on all interfaces", false),
                device("lo", null, true, "127.0.0.1", "::1")), HostSystem.LINUX));
    }

    @Test
    void macosLo0() throws Exception {
        assertEquals("lo0", LoopbackDevice.choose(List.of(
                device("en0", null, false, "192.168.1.20"),
                device("ap1", null, false),
                device("lo0", null, true, "127.0.0.1", "::1", "fe80::1"),
                device("utun0", null, false, "fe80::1234")), HostSystem.MACOS));
    }

    @Test
    void windowsNpcapLoopbackAdapter() throws Exception {
        List<LoopbackDevice.Listed> npcap = List.of(
                device("\\Device\\NPF_{4C1A8B66-3A8E-4D6B-9C3B-1F4E2A9D7C01}", "Intel(R) Ethernet Connection", false,
                        "192.168.1.30"),
                device("\\Device\\NPF_Loopback", "Adapter for loopback traffic capture", true));
        assertEquals("\\Device\\NPF_Loopback", LoopbackDevice.choose(npcap, HostSystem.WINDOWS));
        // Npcap versions that do not flag it: known by its adapter's name.
        List<LoopbackDevice.Listed> unflagged = List.of(
                device("\\Device\\NPF_{4C1A8B66-3A8E-4D6B-9C3B-1F4E2A9D7C01}", "Intel(R) Ethernet Connection", false),
                device("\\Device\\NPF_Loopback", "Adapter for loopback traffic capture", false));
        assertEquals("\\Device\\NPF_Loopback", LoopbackDevice.choose(unflagged, HostSystem.WINDOWS));
    }

    @Test
    void anInterfaceWithALoopbackAddressWhenNoneIsFlagged() throws Exception {
        assertEquals("lo1", LoopbackDevice.choose(List.of(device("em0", null, false, "10.0.0.5"),
                device("lo1", null, false, "127.0.0.1")), HostSystem.OTHER));
    }

    @Test
    void windowsWithoutNpcapsLoopbackSaysHowToGetIt() throws Exception {
        CaptureException e = assertThrows(CaptureException.class, () -> LoopbackDevice.choose(List.of(
                device("\\Device\\NPF_{4C1A8B66-3A8E-4D6B-9C3B-1F4E2A9D7C01}", "Intel(R) Ethernet Connection", false,
                        "192.168.1.30")), HostSystem.WINDOWS));
        assertTrue(e.getMessage().startsWith("no loopback interface among \\Device\\NPF_{"), e.getMessage());
        assertTrue(e.hint().contains("Support loopback traffic capture"), e.hint());
    }

    @Test
    void nothingListedOnLinuxIsAPermissionProblem() {
        CaptureException e = assertThrows(CaptureException.class, () -> LoopbackDevice.choose(List.of(),
                HostSystem.LINUX));
        assertEquals("libpcap lists no interface to capture on", e.getMessage());
        assertTrue(e.hint().contains("setcap cap_net_raw,cap_net_admin=eip"), e.hint());
    }

    @Test
    void eachSystemGetsItsOwnFix() {
        assertEquals(HostSystem.LINUX, HostSystem.of("Linux"));
        assertEquals(HostSystem.MACOS, HostSystem.of("Mac OS X"));
        assertEquals(HostSystem.WINDOWS, HostSystem.of("Windows 11"));
        assertEquals(HostSystem.OTHER, HostSystem.of("FreeBSD"));
        assertTrue(HostSystem.LINUX.permissionHint().contains("sudo setcap"));
        assertTrue(HostSystem.MACOS.permissionHint().contains("ChmodBPF"));
        assertTrue(HostSystem.MACOS.permissionHint().contains("sudo"));
        assertTrue(HostSystem.WINDOWS.permissionHint().contains("Administrator"));
        assertTrue(HostSystem.WINDOWS.libpcapHint().contains("Npcap"));
        assertTrue(HostSystem.LINUX.libpcapHint().contains("libpcap0.8"));
    }

    @Test
    void libpcapsWordsForAMissingRightOnEachSystem() {
        assertTrue(LivePacketSource.permissionDenied("lo: socket: operation not permitted"));
        assertTrue(LivePacketSource.permissionDenied("(cannot open bpf device) /dev/bpf0: permission denied"));
        assertTrue(LivePacketSource.permissionDenied("error opening adapter: access is denied.  (5)"));
        assertTrue(!LivePacketSource.permissionDenied("no such device exists"));
    }
}
