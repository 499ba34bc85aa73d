package analyzer.capture;

import java.util.Locale;

/**
 * The system the tool runs on, for what differs between them when capturing: how to get the permission, how to
 * install libpcap, what to do when there is no loopback to capture. Chosen from {@code os.name}.
 */
public enum HostSystem {

    LINUX {
        @Override
        public String permissionHint() {
            return "Run as root (sudo), or once: sudo setcap cap_net_raw,cap_net_admin=eip"
                    + " \"$(readlink -f \"$(command -v java)\")\"";
        }

        @Override
        public String libpcapHint() {
            return "Install it: sudo apt-get install libpcap0.8 (Debian, Ubuntu) or sudo dnf install libpcap (Fedora)";
        }
    },
    MACOS {
        @Override
        public String permissionHint() {
            return "Run with sudo, or let your user open /dev/bpf*: Wireshark's installer adds ChmodBPF for that"
                    + " (then log out and in again)";
        }

        @Override
        public String libpcapHint() {
            return "macOS ships libpcap; if it cannot be loaded, reinstall the Command Line Tools"
                    + " (xcode-select --install)";
        }
    },
    WINDOWS {
        @Override
        public String permissionHint() {
            return "Npcap restricts capture to Administrators when installed so: run the terminal as Administrator,"
                    + " or reinstall Npcap without \"Restrict Npcap driver's access to Administrators only\"";
        }

        @Override
        public String libpcapHint() {
            return "Install Npcap from https://npcap.com with \"Support loopback traffic capture\" ticked";
        }

        @Override
        public String noLoopbackHint() {
            return "Npcap captures loopback traffic only with its loopback adapter: reinstall Npcap"
                    + " (https://npcap.com) with \"Support loopback traffic capture\" ticked";
        }
    },
    OTHER {
        @Override
        public String permissionHint() {
            return "Run as root, or give your user the right to capture packets";
        }

        @Override
        public String libpcapHint() {
            return "Install libpcap with your system's package manager";
        }
    };

    /** How to get the right to capture. */
    public abstract String permissionHint();

    /** How to install libpcap (Npcap on Windows). */
    public abstract String libpcapHint();

    /** What to do when libpcap lists no loopback interface. */
    public String noLoopbackHint() {
        return "Name the interface to capture on with --interface (analyzer capture --list-interfaces lists them)";
    }

    public static HostSystem current() {
        return of(System.getProperty("os.name", ""));
    }

    static HostSystem of(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return LINUX;
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return MACOS;
        }
        if (os.startsWith("windows")) {
            return WINDOWS;
        }
        return OTHER;
    }
}
