package analyzer.cli;

/** HOST:PORT as options take it, with [::1]:PORT for IPv6. */
record HostPort(String host, int port) {

    /** A port to connect to: 1 to 65535. */
    static HostPort parse(String option, String text) {
        return parse(option, text, 1);
    }

    /** A port to listen on: 0 asks for any free one. */
    static HostPort parseListen(String option, String text) {
        return parse(option, text, 0);
    }

    private static HostPort parse(String option, String text, int lowestPort) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new UserError(option + " wants HOST:PORT, e.g. localhost:5683, not '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserError(option + ": the port in '" + text + "' is not a number");
        }
        requirePort(option, port, lowestPort);
        return new HostPort(host, port);
    }

    static void requirePort(String option, int port, int lowestPort) {
        if (port < lowestPort || port > 65535) {
            throw new UserError(option + ": port must be between " + lowestPort + " and 65535, not " + port);
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
