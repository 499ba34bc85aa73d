package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.BackgroundCapture;
import analyzer.cli.CommandRun;
import analyzer.pki.ForgedCertificateAuthority;
import analyzer.pki.TlsKeyLog;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.HostAndPort;
import analyzer.proxy.InterceptingProxy;
import analyzer.proxy.ProxyConfig;
import analyzer.proxy.ProxyListener;
import analyzer.proxy.UpstreamTrust;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our own TLS endpoints write key logs that others' tools open: a client talks to the secret server through an
 * intercepting proxy, each of the three writing its keys, while the wire is captured; tshark, given one key log
 * at a time, decrypts exactly the legs that endpoint was part of. curl adds a TLS 1.2 connection to the server.
 */
@Timeout(120)
class EndpointKeyLogTest {

    @TempDir
    Path dir;

    @Test
    void serverClientAndProxyKeyLogsOpenTheirLegsInTshark() throws Exception {
        ExternalCommand.require("tshark");
        ExternalCommand.require("curl");
        TestCertificates.Issued ca = TestCertificates.ca("Secret Squirrels CA");
        TestCertificates.Issued leaf = TestCertificates.localhost(ca);
        Path serverKeys = dir.resolve("server.keys");
        Path proxyKeys = dir.resolve("proxy.keys");
        Path clientKeys = dir.resolve("client.keys");
        Path pcap = dir.resolve("wire.pcap");
        try (TlsKeyLog serverLog = TlsKeyLog.open(serverKeys);
             TlsKeyLog proxyLog = TlsKeyLog.open(proxyKeys);
             TlsKeyLog clientLog = TlsKeyLog.open(clientKeys);
             SecretServer server = SecretServer.start(SecretServerConfig.defaults().withPort(0)
                     .withTls(leaf.identity().withKeyLog(serverLog)), SecretServer.Listener.NONE);
             InterceptingProxy proxy = InterceptingProxy.start(ProxyConfig.reverse(
                     new InetSocketAddress("127.0.0.1", 0), new HostAndPort("localhost", server.address().getPort()))
                     .withIntercept(ForgedCertificateAuthority.inMemory(), UpstreamTrust.insecureTrust())
                     .withKeyLog(proxyLog), new ProxyListener() {
                     });
             SecretClient client = SecretClient.create(SecretClientConfig.insecure().withKeyLog(clientLog))) {
            int serverPort = server.address().getPort();
            int proxyPort = proxy.address().getPort();
            BackgroundCapture capture = new BackgroundCapture("capture", "--port", String.valueOf(serverPort),
                    "--port", String.valueOf(proxyPort), "--duration", "6s", "--write", pcap.toString());
            assertEquals("fluffy tail", client.secret(URI.create("https://localhost:" + proxyPort + "/")));
            ExternalCommand.Result curl = ExternalCommand.run(Duration.ofSeconds(20), List.of("curl", "-sk",
                    "--tls-max", "1.2", "https://localhost:" + serverPort + "/"));
            assertEquals("fluffy tail", curl.output());
            capture.finish();

            // The server's keys open the proxy's connection to it (TLS 1.3) and curl's (TLS 1.2); the client's
            // its connection to the proxy; the proxy's both of its legs.
            assertEquals(List.of("GET → " + serverPort, "GET → " + serverPort), tsharkRequests(pcap, serverKeys));
            assertEquals(List.of("GET → " + proxyPort), tsharkRequests(pcap, clientKeys));
            assertEquals(Stream.of("GET → " + proxyPort, "GET → " + serverPort).sorted().toList(),
                    tsharkRequests(pcap, proxyKeys));
            assertTrue(new String(Files.readAllBytes(serverKeys)).contains("CLIENT_RANDOM "), "a TLS 1.2 line");
            assertTrue(new String(Files.readAllBytes(serverKeys)).contains("SERVER_TRAFFIC_SECRET_0 "), "TLS 1.3");
        }
    }

    /**
     * A pinned client refuses the certificate the proxy forged; under TLS 1.3 its alert travels encrypted. A proxy
     * writing keys still names the alert, and with its key log the wire shows the alert itself, decrypted.
     */
    @Test
    void theAlertOfAPinnedClientIsNamedByTheProxyAndReadFromTheWireWithItsKeys() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("Secret Squirrels CA");
        TestCertificates.Issued leaf = TestCertificates.localhost(ca);
        Path proxyKeys = dir.resolve("proxy.keys");
        Path pcap = dir.resolve("pinned.pcap");
        BlockingQueue<ForgeryRejected> rejected = new LinkedBlockingQueue<>();
        try (TlsKeyLog proxyLog = TlsKeyLog.open(proxyKeys);
             SecretServer server = SecretServer.start(SecretServerConfig.defaults().withPort(0)
                     .withTls(leaf.identity()), SecretServer.Listener.NONE);
             InterceptingProxy proxy = InterceptingProxy.start(ProxyConfig.reverse(
                     new InetSocketAddress("127.0.0.1", 0), new HostAndPort("localhost", server.address().getPort()))
                     .withIntercept(ForgedCertificateAuthority.inMemory(), UpstreamTrust.insecureTrust())
                     .withKeyLog(proxyLog), new ProxyListener() {
                         @Override
                         public void forgeryRejected(ForgeryRejected r) {
                             rejected.add(r);
                         }
                     });
             SecretClient pinned = SecretClient.create(SecretClientConfig.pinned(List.of(ca.certificate())))) {
            int proxyPort = proxy.address().getPort();
            BackgroundCapture capture = new BackgroundCapture("capture", "--port", String.valueOf(proxyPort),
                    "--duration", "4s", "--write", pcap.toString());
            ClientFailure failure = assertThrows(ClientFailure.class,
                    () -> pinned.secret(URI.create("https://localhost:" + proxyPort + "/")));
            assertTrue(failure.kind().certificateRejected(), failure.getMessage());
            ForgeryRejected r = rejected.poll(10, TimeUnit.SECONDS);
            capture.finish();
            assertEquals("certificate_unknown", r == null ? null : r.alert(), String.valueOf(r));
            assertEquals(ForgeryRejected.Evidence.ALERT_DECRYPTED, r.evidence());

            CommandRun read = CommandRun.of("read", pcap.toString(), "--keylog", proxyKeys.toString(),
                    "--format", "json");
            assertEquals(0, read.code(), read.err());
            // The client's alert, decrypted: sent by the client, an alert record, fatal certificate_unknown.
            assertTrue(read.out().lines().anyMatch(line -> line.contains("\"direction\":\"client_to_server\"")
                    && line.contains("\"tls.decrypted\":true")
                    && line.contains("\"tls.record.content_type\":\"alert\"")
                    && line.contains("\"tls.alert_message.level\":\"fatal\",\"tls.alert_message.desc\":"
                            + "\"certificate_unknown\"")), read.out());
        }
    }

    /** "GET → PORT" for each request tshark decrypts with this key log, sorted. */
    private static List<String> tsharkRequests(Path pcap, Path keys) throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(60), List.of("tshark", "-r", pcap.toString(),
                "-o", "tls.keylog_file:" + keys, "-Y", "http.request", "-T", "fields", "-e", "http.request.method",
                "-e", "tcp.dstport"));
        assertEquals(0, r.code(), r.output());
        List<String> requests = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 2) {
                requests.add(f[0] + " → " + f[1]);
            }
        }
        return requests.stream().sorted().toList();
    }
}
