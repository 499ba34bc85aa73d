package analyzer.cli;

import analyzer.proxy.HostAndPort;

/** HOST:PORT options ([::1]:PORT for IPv6), parsed by {@link HostAndPort} and refused in one line naming the option. */
final class HostPort {

    private HostPort() {
    }

    /** A port to connect to: 1 to 65535. */
    static HostAndPort parse(String option, String text) {
        return parse(option, text, 1);
    }

    /** A port to listen on: 0 asks for any free one. */
    static HostAndPort parseListen(String option, String text) {
        return parse(option, text, 0);
    }

    private static HostAndPort parse(String option, String text, int lowestPort) {
        HostAndPort parsed;
        try {
            parsed = HostAndPort.parse(text, -1);
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage());
        }
        requirePort(option, parsed.port(), lowestPort);
        return parsed;
    }

    static void requirePort(String option, int port, int lowestPort) {
        if (port < lowestPort || port > 65535) {
            throw new UserError(option + ": port must be between " + lowestPort + " and 65535, not " + port);
        }
    }
}
