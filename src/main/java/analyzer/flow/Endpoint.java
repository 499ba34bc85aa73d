package analyzer.flow;

import java.net.Inet6Address;
import java.net.InetAddress;

/** One side of a TCP connection: an address and a port. */
public record Endpoint(InetAddress address, int port) {

    @Override
    public String toString() {
        String host = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            return "[" + host + "]:" + port;
        }
        return host + ":" + port;
    }
}
