package analyzer.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream that keeps every byte each connection sent it, and answers "200 ok" to whatever arrives: the judge
 * of what a proxy let through, whatever the bytes mean.
 */
final class RecordingUpstream implements AutoCloseable {

    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final List<ByteArrayOutputStream> received = new CopyOnWriteArrayList<>();

    RecordingUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptAll, "recording-upstream");
        accept.setDaemon(true);
        accept.start();
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                received.add(got);
                Thread t = new Thread(() -> serve(s, got), "recording-upstream-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket s, ByteArrayOutputStream got) {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (got) {
                    got.write(buf, 0, n);
                }
                s.getOutputStream().write(OK);
            }
        } catch (IOException ignored) {
            // the proxy hung up
        }
    }

    int port() {
        return server.getLocalPort();
    }

    HostAndPort hostAndPort() {
        return new HostAndPort("127.0.0.1", port());
    }

    /** Everything every connection sent so far, one string per connection (ISO-8859-1). */
    List<String> received() {
        return received.stream().map(b -> {
            synchronized (b) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }).toList();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
