package analyzer.cli;

import static org.junit.jupiter.api.Assertions.fail;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.IssuedCertificate;
import analyzer.pki.KeyType;
import analyzer.pki.Pem;
import analyzer.pki.SubjectName;
import analyzer.workshop.ExternalCommand;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real TLS servers on loopback for the check's verdict matrix: nginx (TLS 1.2 or 1.3) and openssl s_server limited to
 * TLS 1.0, both with a certificate for localhost from a CA of our own. Missing tools fail in CI, skip elsewhere.
 */
final class CheckServers {

    /** A CA and a localhost certificate issued by it, as PEM files. */
    record Pki(Path ca, Path cert, Path key) {
    }

    private CheckServers() {
    }

    static Pki pki(Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SubjectName.of("Check Test CA"), KeyType.RSA,
                Duration.ofDays(2));
        IssuedCertificate leaf = ca.issueServerCertificate(SubjectName.of("localhost"),
                List.of("DNS:localhost", "IP:127.0.0.1"), KeyType.RSA, Duration.ofDays(1));
        Pki pki = new Pki(dir.resolve("ca.pem"), dir.resolve("cert.pem"), dir.resolve("key.pem"));
        Pem.writeCertificates(pki.ca(), ca.certificate());
        Pem.writeCertificates(pki.cert(), leaf.certificate());
        Pem.writePrivateKey(pki.key(), leaf.privateKey(), null);
        return pki;
    }

    /** Fails in CI and skips elsewhere when {@code tool} does not run. */
    static void require(String... command) {
        boolean present;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            present = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            present = false;
        }
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                fail(command[0] + " is required in CI (.ci/run installs it)");
            }
            Assumptions.abort(command[0] + " is not installed");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** nginx answering "fluffy tail" over TLS on 127.0.0.1:port with only the given protocols ("TLSv1.3"). */
    static ExternalCommand.Running nginx(Path dir, Pki pki, int port, String protocols) throws Exception {
        require("nginx", "-v");
        Path prefix = Files.createDirectories(dir.resolve("nginx-" + port));
        Files.createDirectories(prefix.resolve("logs"));
        String p = prefix.toAbsolutePath().toString();
        String conf = "daemon off; master_process off; pid " + p + "/nginx.pid; error_log " + p + "/logs/error.log;\n"
                + "events { worker_connections 64; }\n"
                + "http { access_log off; client_body_temp_path " + p + "/body; proxy_temp_path " + p + "/proxy;\n"
                + "  fastcgi_temp_path " + p + "/fcgi; uwsgi_temp_path " + p + "/uwsgi; scgi_temp_path " + p
                + "/scgi;\n"
                + "  server { listen 127.0.0.1:" + port + " ssl; ssl_protocols " + protocols + ";\n"
                + "    ssl_certificate " + pki.cert().toAbsolutePath() + "; ssl_certificate_key "
                + pki.key().toAbsolutePath() + ";\n"
                + "    location / { return 200 \"fluffy tail\\n\"; } } }\n";
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, conf);
        ExternalCommand.Running nginx = ExternalCommand.start(prefix, Map.of(),
                List.of("nginx", "-p", p, "-c", file.toAbsolutePath().toString()));
        awaitListening(port, nginx);
        return nginx;
    }

    /**
     * openssl s_server accepting TLS 1.0 only. Debian's OpenSSL 3 refuses TLS 1.0 at its default security level, so
     * the level is lowered to 0 for this server (and for a client that talks to it).
     */
    static ExternalCommand.Running tls10Server(Path dir, Pki pki, int port) throws Exception {
        return tlsServer(dir, pki.cert(), pki.key(), port, "-tls1");
    }

    /** openssl s_server with one protocol version ("-tls1_2") at security level 0, serving a status page. */
    static ExternalCommand.Running tlsServer(Path dir, Path cert, Path key, int port, String version)
            throws Exception {
        require("openssl", "version");
        ExternalCommand.Running server = ExternalCommand.start(dir, Map.of(), List.of("openssl", "s_server",
                "-accept", "127.0.0.1:" + port, "-cert", cert.toString(), "-key", key.toString(), version,
                "-cipher", "DEFAULT@SECLEVEL=0", "-www", "-quiet"));
        awaitListening(port, server);
        return server;
    }

    private static void awaitListening(int port, ExternalCommand.Running process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        fail("nothing listens on 127.0.0.1:" + port + " after 20 s; stderr:\n" + process.stderr());
    }
}
