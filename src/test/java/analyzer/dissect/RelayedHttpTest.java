package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real clients (the JDK's HttpClient, and curl when installed) talk to a real server on loopback through a relay
 * that feeds the bytes it forwards to the dissector, as the proxy does.
 */
@Timeout(60)
class RelayedHttpTest {

    private HttpServer server;
    private ServerSocket relay;
    private final List<Event> events = new ArrayList<>();
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        server = HttpServer.create(new InetSocketAddress(lo, 0), 0);
        server.createContext("/secret", exchange -> {
            byte[] body = "fluffy tail".getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/zipped", exchange -> {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                gz.write("fluffy tail ".repeat(20).getBytes(StandardCharsets.US_ASCII));
            }
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(zipped.toByteArray());
            }
        });
        server.start();
        relay = new ServerSocket(0, 50, lo);
        Thread acceptor = new Thread(this::acceptLoop, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        server.stop(0);
        for (Thread t : threads) {
            t.join(5000);
        }
    }

    @Test
    void jdkClientKeepAliveRequestsAreSeenAndPaired() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + relay.getLocalPort() + "/secret");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("fluffy tail", r.body());
        }
        List<HttpResponseSeen> responses = waitFor(HttpResponseSeen.class, 3);
        for (HttpResponseSeen r : responses) {
            assertEquals("fluffy tail", new String(r.body().shown(), StandardCharsets.US_ASCII));
            assertEquals("GET", r.requestMethod());
            assertEquals("/secret", r.requestUri());
        }
        assertTrue(snapshot().stream().noneMatch(e -> e instanceof HttpMalformed || e instanceof RawDataSeen));
    }

    @Test
    void curlWithCompressedChunkedBody() throws Exception {
        ProcessBuilder pb;
        try {
            pb = new ProcessBuilder("curl", "-s", "--compressed", "-o", "/dev/null", "--max-time", "10",
                    "http://127.0.0.1:" + relay.getLocalPort() + "/zipped");
            Process p = pb.start();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } catch (IOException noCurl) {
            org.junit.jupiter.api.Assumptions.abort("curl is not installed");
            return;
        }
        HttpResponseSeen r = waitFor(HttpResponseSeen.class, 1).get(0);
        assertEquals("gzip", r.body().contentEncoding());
        assertTrue(r.body().chunked());
        assertEquals("fluffy tail ".repeat(20), new String(r.body().shown(), StandardCharsets.US_ASCII));
        HttpRequestSeen request = waitFor(HttpRequestSeen.class, 1).get(0);
        assertTrue(request.headers().stream().anyMatch(h -> h.name().equalsIgnoreCase("Accept-Encoding")));
    }

    private <T extends Event> List<T> waitFor(Class<T> type, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<T> found = snapshot().stream().filter(type::isInstance).map(type::cast).toList();
            if (found.size() >= count || System.nanoTime() > deadline) {
                assertEquals(count, found.size(), snapshot().toString());
                return found;
            }
            Thread.sleep(20);
        }
    }

    private List<Event> snapshot() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    private void acceptLoop() {
        Dissector dissector = new Dissector(e -> {
            synchronized (events) {
                events.add(e);
            }
        }, DissectorOptions.defaults());
        int id = 0;
        while (!relay.isClosed()) {
            try {
                Socket front = relay.accept();
                Socket back = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
                Flow flow = new Flow(++id, new Endpoint(front.getInetAddress(), front.getPort()),
                        new Endpoint(back.getInetAddress(), back.getPort()));
                ConnectionListener listener = dissector.open(flow, 0, micros());
                copy(front, back, listener, Direction.CLIENT_TO_SERVER);
                copy(back, front, listener, Direction.SERVER_TO_CLIENT);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void copy(Socket from, Socket to, ConnectionListener listener, Direction direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    // The dissector is fed by one thread at a time per connection.
                    synchronized (listener) {
                        listener.onData(direction, buf, 0, n, 0, micros());
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // the other side closed
            } finally {
                synchronized (listener) {
                    listener.onClose(ConnectionListener.CloseReason.PROXY, 0, micros());
                }
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "relay-" + direction);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private static long micros() {
        return System.currentTimeMillis() * 1000;
    }
}
