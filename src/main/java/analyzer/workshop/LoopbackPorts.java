package analyzer.workshop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Which loopback ports are taken, asked without connecting (a connection would show in everyone's capture). */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /**
     * True when nothing listens on the port: a bind with SO_REUSEADDR succeeds despite connections lingering in
     * TIME_WAIT and fails only while a server holds the port.
     */
    static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port the system hands out as free at this moment. */
    static int ephemeral() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** {@code preferred} when it is free (and not 0), else an ephemeral port. */
    static int preferring(int preferred) {
        return preferred != 0 && free(preferred) ? preferred : ephemeral();
    }
}
