package analyzer.proxy;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.IssuedCertificate;
import analyzer.pki.KeyType;
import analyzer.pki.Pem;
import analyzer.pki.SubjectName;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The secret server stand-in for proxy tests: a JDK server on 127.0.0.1 and an ephemeral port (plain, or HTTPS
 * with a certificate from a CA of its own), answering "fluffy tail" in the framings the proxy must keep right.
 */
final class TestUpstream implements AutoCloseable {

    static final String SECRET = "fluffy tail";
    /** Bytes of /huge: far more than socket buffers and the proxy's write limits hold together. */
    static final long HUGE = 256L << 20;

    private final java.util.concurrent.atomic.AtomicLong hugeSent = new java.util.concurrent.atomic.AtomicLong();

    /** A CA and a localhost/127.0.0.1 server certificate, with the CA's PEM written for clients to pin. */
    static final class Pki {
        final CertificateAuthority ca;
        final IssuedCertificate server;
        final Path caPem;

        Pki(Path dir) throws Exception {
            ca = CertificateAuthority.create(SubjectName.of("Secret Squirrels CA"), KeyType.EC, Duration.ofDays(2));
            server = ca.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost", "IP:127.0.0.1"),
                    KeyType.EC, Duration.ofDays(1));
            caPem = dir.resolve("ca.pem");
            Pem.writeCertificates(caPem, ca.certificate());
        }

        SSLContext serverContext() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", server.privateKey(), "x".toCharArray(),
                    new X509Certificate[] {server.certificate(), ca.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "x".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        }

        /** A client context that trusts only this CA (the pinned client). */
        SSLContext pinnedClient() throws Exception {
            return trusting(ca.certificate());
        }
    }

    static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-upstream");
        t.setDaemon(true);
        return t;
    });

    private TestUpstream(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", e -> send(e, 200, SECRET.getBytes(StandardCharsets.UTF_8), false, null));
        server.createContext("/chunked", e -> send(e, 200, SECRET.getBytes(StandardCharsets.UTF_8), true, null));
        server.createContext("/gzip", e -> send(e, 200, gzip(("the secret is " + SECRET + "\n").repeat(50)), false, "gzip"));
        server.createContext("/gzip-chunked", e -> send(e, 200, gzip(SECRET + " " + SECRET), true, "gzip"));
        server.createContext("/big", e -> send(e, 200, (SECRET + "\n").repeat(20_000).getBytes(StandardCharsets.UTF_8), false, null));
        server.createContext("/echo", e -> {
            byte[] body = e.getRequestBody().readAllBytes();
            String header = e.getRequestHeaders().getFirst("X-Test");
            send(e, 200, ("got " + new String(body, StandardCharsets.UTF_8) + (header != null ? " x-test=" + header : ""))
                    .getBytes(StandardCharsets.UTF_8), false, null);
        });
        server.createContext("/huge", e -> {
            e.getRequestBody().readAllBytes();
            e.sendResponseHeaders(200, HUGE);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            try (OutputStream out = e.getResponseBody()) {
                for (long sent = 0; sent < HUGE; sent += chunk.length) {
                    out.write(chunk);
                    hugeSent.addAndGet(chunk.length);
                }
            }
        });
        server.createContext("/slow", e -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            send(e, 200, SECRET.getBytes(StandardCharsets.UTF_8), false, null);
        });
        server.start();
    }

    static TestUpstream plain() throws IOException {
        return new TestUpstream(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024));
    }

    /** HTTPS speaking TLS 1.2 and 1.3. */
    static TestUpstream tls(Pki pki) throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        SSLContext context = pki.serverContext();
        https.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                var p = context.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(p);
            }
        });
        return new TestUpstream(https);
    }

    /** How much of /huge the server has managed to write so far. */
    long hugeBytesSent() {
        return hugeSent.get();
    }

    /** Answers {@code path} with this body, sent under that Content-Encoding as it is. */
    void serve(String path, byte[] body, String encoding) {
        server.createContext(path, e -> send(e, 200, body, false, encoding));
    }

    int port() {
        return server.getAddress().getPort();
    }

    HostAndPort hostAndPort() {
        return new HostAndPort("127.0.0.1", port());
    }

    private static void send(HttpExchange e, int code, byte[] body, boolean chunked, String encoding) throws IOException {
        e.getRequestBody().readAllBytes();
        e.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (encoding != null) {
            e.getResponseHeaders().set("Content-Encoding", encoding);
        }
        e.sendResponseHeaders(code, chunked ? 0 : body.length);
        try (OutputStream out = e.getResponseBody()) {
            if (chunked) {
                int half = body.length / 2;
                out.write(body, 0, half);
                out.flush();
                out.write(body, half, body.length - half);
            } else {
                out.write(body);
            }
        }
    }

    static byte[] gzip(String text) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(text.getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
