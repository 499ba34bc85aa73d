package analyzer.capture;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds libpcap for pcap4j and turns its absence into a clear error. pcap4j asks JNA for "pcap", which on Debian
 * exists only with the -dev package; the runtime package ships libpcap.so.0.8, so point pcap4j at it when the
 * user has not chosen a library with -Dorg.pcap4j.core.pcapLibName.
 */
final class Libpcap {

    static final String LIB_NAME_PROPERTY = "org.pcap4j.core.pcapLibName";

    private static final String[] DEBIAN_RUNTIME_PATHS = {
        "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8", "/lib/x86_64-linux-gnu/libpcap.so.0.8",
        "/usr/lib/aarch64-linux-gnu/libpcap.so.0.8", "/lib/aarch64-linux-gnu/libpcap.so.0.8",
        "/usr/lib/arm-linux-gnueabihf/libpcap.so.0.8", "/usr/lib/i386-linux-gnu/libpcap.so.0.8",
        "/usr/lib64/libpcap.so.1", "/usr/lib/libpcap.so.1", "/usr/lib/libpcap.so.0.8",
    };

    private static volatile boolean configured;

    private Libpcap() {
    }

    static synchronized void configure() {
        if (configured) {
            return;
        }
        configured = true;
        if (System.getProperty(LIB_NAME_PROPERTY) != null || !System.getProperty("os.name", "").startsWith("Linux")) {
            return;
        }
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"}) {
            if (Files.exists(Path.of(dir, "libpcap.so"))) {
                return; // the name pcap4j asks for resolves as it is
            }
        }
        for (String candidate : DEBIAN_RUNTIME_PATHS) {
            if (Files.exists(Path.of(candidate))) {
                System.setProperty(LIB_NAME_PROPERTY, candidate);
                return;
            }
        }
    }

    static CaptureException missing(LinkageError e) {
        return new CaptureException("libpcap is not installed (or could not be loaded: " + rootMessage(e) + ")",
                HostSystem.current().libpcapHint(), e);
    }

    private static String rootMessage(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String m = cause.getMessage();
        if (m == null) {
            return cause.getClass().getSimpleName();
        }
        int newline = m.indexOf('\n');
        return newline >= 0 ? m.substring(0, newline) : m;
    }
}
