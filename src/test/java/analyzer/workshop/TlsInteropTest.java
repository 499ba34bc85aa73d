package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.IssuedCertificate;
import analyzer.pki.KeyType;
import analyzer.pki.Pem;
import analyzer.pki.SubjectName;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our server and client with real tools and certificates from our PKI: curl and openssl s_client against the
 * secret server; the secret client against openssl s_server.
 */
@Timeout(120)
class TlsInteropTest {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static CertificateAuthority club;
    private static IssuedCertificate leaf;
    private static Path caPem;
    private static Path certPem;
    private static Path keyPem;

    private SecretServer server;

    @BeforeAll
    static void pki() throws Exception {
        club = CertificateAuthority.create(SubjectName.of("Secret Squirrels CA"), KeyType.RSA, Duration.ofDays(30));
        leaf = club.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost", "IP:127.0.0.1"),
                KeyType.RSA, Duration.ofDays(30));
        caPem = dir.resolve("ca-public-key.pem");
        certPem = dir.resolve("server-public-key.pem");
        keyPem = dir.resolve("server-private-key.pem");
        Pem.writeCertificates(caPem, club.certificate());
        Pem.writeCertificates(certPem, leaf.certificate());
        Pem.writePrivateKey(keyPem, leaf.privateKey(), null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int startTlsServer() throws Exception {
        server = SecretServer.start(SecretServerConfig.defaults().withPort(0).withTls(
                new SecretServerConfig.TlsIdentity(leaf.privateKey(), List.of(leaf.certificate()))),
                SecretServer.Listener.NONE);
        return server.address().getPort();
    }

    @Test
    void curlTrustingTheClubsCaGetsTheSecret() throws Exception {
        ExternalCommand.require("curl");
        int port = startTlsServer();
        ExternalCommand.Result ok = ExternalCommand.run(TOOL_TIMEOUT, List.of("curl", "--silent", "--show-error",
                "--max-time", "10", "--cacert", caPem.toString(), "https://localhost:" + port + "/"));
        assertEquals(0, ok.code(), ok.output());
        assertEquals("fluffy tail", ok.output());
        ExternalCommand.Result secure = ExternalCommand.run(TOOL_TIMEOUT, List.of("curl", "--silent", "--show-error",
                "--max-time", "10", "--cacert", caPem.toString(), "https://localhost:" + port + "/secure"));
        assertEquals("SUCCESS: This request is using HTTPS.", secure.output());

        // curl's own trust store does not know the club's CA: the tutorial's first HTTPS error.
        ExternalCommand.Result refused = ExternalCommand.run(TOOL_TIMEOUT, List.of("curl", "--silent",
                "--show-error", "--max-time", "10", "https://localhost:" + port + "/"));
        assertEquals(60, refused.code(), refused.output());
        assertTrue(refused.output().contains("unable to get local issuer certificate"), refused.output());
    }

    @Test
    void opensslSClientVerifiesTheCertificateOverTls12And13() throws Exception {
        ExternalCommand.require("openssl");
        int port = startTlsServer();
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            ExternalCommand.Result r = ExternalCommand.run(TOOL_TIMEOUT, List.of("openssl", "s_client", version,
                    "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-verify_hostname", "localhost",
                    "-CAfile", caPem.toString(), "-verify_return_error"));
            assertTrue(r.output().contains("Verify return code: 0 (ok)"), version + ":\n" + r.output());
            String expected = version.equals("-tls1_2") ? "New, TLSv1.2," : "New, TLSv1.3,";
            assertTrue(r.output().contains(expected), version + ":\n" + r.output());
        }
    }

    /**
     * curl, openssl s_client and Python's requests refusing the certificate (their trust stores do not know the
     * club's CA): the server names the refusal by the client's alert under TLS 1.3 as under TLS 1.2. Under TLS 1.3
     * OpenSSL sends that alert before it switches keys, in clear, where the server's TLS engine expects encrypted
     * records and reports only "Insufficient buffer remaining for AEAD cipher fragment".
     */
    @Test
    void aClientRejectingTheCertificateIsNamedByItsAlertUnderTls12And13() throws Exception {
        ExternalCommand.require("curl");
        ExternalCommand.require("openssl");
        ExternalCommand.require("python3");
        List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        server = SecretServer.start(SecretServerConfig.defaults().withPort(0).withTls(
                new SecretServerConfig.TlsIdentity(leaf.privateKey(), List.of(leaf.certificate()))),
                new SecretServer.Listener() {
                    @Override
                    public void request(ServedRequest request) {
                    }

                    @Override
                    public void tlsFailure(java.net.InetSocketAddress client, String reason) {
                        failures.add(reason);
                    }
                });
        String url = "https://localhost:" + server.address().getPort() + "/";
        for (String version : List.of("1.2", "1.3")) {
            List<List<String>> clients = List.of(
                    List.of("curl", "--silent", "--show-error", "--max-time", "10", "--tlsv" + version,
                            "--tls-max", version, url),
                    List.of("openssl", "s_client", version.equals("1.2") ? "-tls1_2" : "-tls1_3", "-connect",
                            "127.0.0.1:" + server.address().getPort(), "-servername", "localhost",
                            "-verify_return_error"),
                    List.of("python3", "-c", PYTHON_REQUESTS, url, version.equals("1.2") ? "TLSv1_2" : "TLSv1_3"));
            for (List<String> client : clients) {
                failures.clear();
                ExternalCommand.Result r = ExternalCommand.run(TOOL_TIMEOUT, client);
                assertTrue(r.code() != 0, client + " should refuse the certificate:\n" + r.output());
                assertTrue(r.output().contains("unable to get local issuer certificate"), client + ":\n" + r.output());
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (failures.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(List.of("the client rejected the certificate (alert unknown_ca)"), failures,
                        client.get(0) + " over TLS " + version);
            }
        }
    }

    /** Python's requests over one TLS version: prints the error and exits 1 when the certificate is refused. */
    static final String PYTHON_REQUESTS = String.join("\n",
            "import ssl, sys, requests",
            "from requests.adapters import HTTPAdapter",
            "class OneVersion(HTTPAdapter):",
            "    def init_poolmanager(self, *args, **kwargs):",
            "        context = ssl.create_default_context()",
            "        context.minimum_version = context.maximum_version = getattr(ssl.TLSVersion, sys.argv[2])",
            "        kwargs['ssl_context'] = context",
            "        return super().init_poolmanager(*args, **kwargs)",
            "session = requests.Session()",
            "session.mount('https://', OneVersion())",
            "try:",
            "    print(session.get(sys.argv[1], timeout=10).text)",
            "except requests.exceptions.SSLError as e:",
            "    print(e)",
            "    sys.exit(1)");

    @Test
    void theSecretClientTrustsOpensslSServerOnlyWithThePinnedCa() throws Exception {
        ExternalCommand.require("openssl");
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("secret.txt"), "fluffy tail");
        try (ExternalCommand.Running sServer = ExternalCommand.start(docs, Map.of(), List.of("openssl", "s_server",
                "-cert", certPem.toString(), "-key", keyPem.toString(), "-accept", "127.0.0.1:0", "-WWW"))) {
            String accept = sServer.awaitLine("ACCEPT", TOOL_TIMEOUT);
            int port = Integer.parseInt(accept.substring(accept.lastIndexOf(':') + 1).trim());
            URI url = URI.create("https://localhost:" + port + "/secret.txt");

            try (SecretClient pinned = SecretClient.create(SecretClientConfig.pinned(List.of(club.certificate())))) {
                ClientResponse r = pinned.get(url, null);
                assertEquals(200, r.status());
                assertEquals("fluffy tail", r.text());
                assertTrue(r.tls().verified());
            }

            analyzer.cli.CommandRun cli = analyzer.cli.CommandRun.of("client", "--cacert", caPem.toString(),
                    url.toString());
            assertEquals(0, cli.code(), cli.err());
            assertEquals("The secret message is: fluffy tail\n", cli.out());

            CertificateAuthority other = CertificateAuthority.create(SubjectName.of("analyzer MITM CA"), KeyType.EC,
                    Duration.ofDays(1));
            try (SecretClient wrongCa = SecretClient.create(SecretClientConfig.pinned(List.of(other.certificate())))) {
                ClientFailure f = assertThrows(ClientFailure.class, () -> wrongCa.get(url, null));
                assertEquals(ClientFailure.Kind.CERTIFICATE_UNTRUSTED, f.kind());
                assertEquals("server certificate CN=localhost was issued by CN=Secret Squirrels CA, not by the pinned"
                        + " CA CN=analyzer MITM CA", f.hint());
            }
        }
    }
}
