package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.capture.TestServers;
import analyzer.dissect.BrotliCli;
import analyzer.dissect.CapturedEvents;
import analyzer.dissect.session.PostgresServer;
import analyzer.pki.Pem;
import analyzer.workshop.ExternalCommand;
import analyzer.workshop.SecretServer;
import analyzer.workshop.SecretServerConfig;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict matrix: `analyzer check` against real services on loopback, each case with the verdict and exit code it
 * must give, every JSON verdict's exit_code equal to the process's. Among them each false verdict a user met:
 * nginx's 400 to plaintext taken for a leak, a test run started too early to be seen, a side channel on another port
 * passing, secrets split by chunking or URL-encoded missed, a token in a query string not flagged, TLS 1.0 with no way
 * to fail, and a TLS 1.0-only server's certificate reported as failing.
 */
@Timeout(180)
class CheckMatrixTest {

    private static final String SECRET = "fluffy tail";

    @TempDir
    static Path dir;

    private static CheckServers.Pki pki;

    @BeforeAll
    static void certificates() throws Exception {
        pki = CheckServers.pki(dir);
    }

    /** One check run: its exit code, its JSON lines and stderr. */
    record Outcome(int code, List<JsonObject> lines, String out, String err) {
        JsonObject verdict() {
            return lines.get(lines.size() - 1);
        }

        List<JsonObject> flows() {
            return lines.stream().filter(l -> l.get("event").getAsString().equals("check.flow")).toList();
        }

        JsonObject probe() {
            return lines.stream().filter(l -> l.get("event").getAsString().equals("check.probe")).findFirst()
                    .orElseThrow(() -> new AssertionError("no check.probe in\n" + out));
        }

        /** The probe's answer to one thing it tried ("TLS 1.2", "plaintext HTTP", "certificate"). */
        String probeAnswer(String what) {
            for (JsonElement e : probe().getAsJsonArray("results")) {
                if (e.getAsJsonObject().get("what").getAsString().equals(what)) {
                    return e.getAsJsonObject().get("answer").getAsString();
                }
            }
            throw new AssertionError("the probe did not try " + what + ":\n" + out);
        }

        String findings() {
            StringBuilder sb = new StringBuilder();
            for (JsonObject f : flows()) {
                for (JsonElement finding : f.getAsJsonArray("findings")) {
                    sb.append(finding.getAsJsonObject().get("kind").getAsString()).append(": ")
                            .append(finding.getAsJsonObject().get("detail").getAsString()).append('\n');
                }
            }
            return sb.toString();
        }

        /** Asserts the verdict and the exit code, and that the JSON states the same exit code. */
        Outcome is(String verdict, int exitCode) {
            assertEquals(exitCode, code, out + err);
            assertEquals(verdict, verdict().get("verdict").getAsString(), out);
            assertEquals(code, verdict().get("exit_code").getAsInt(), "JSON exit_code is the process's: " + out);
            return this;
        }
    }

    /** Runs check in JSON; live capture must be permitted in CI, and is skipped for elsewhere when it is not. */
    static Outcome check(String... args) {
        List<String> all = new ArrayList<>(List.of("check", "--format", "json", "--grace", "300ms"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(all.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
        skipUnlessCapturePermitted(code, err.toString());
        List<JsonObject> lines = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        assertFalse(lines.isEmpty(), "no JSON from check " + all + ": " + out + err);
        return new Outcome(code, lines, out.toString(), err.toString());
    }

    static void skipUnlessCapturePermitted(int code, String err) {
        if (code == ExitCodes.USAGE && err.contains("permission")) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but live capture is not permitted: " + err);
            }
            Assumptions.abort("live capture not permitted here: " + err);
        }
    }

    private static String curl() {
        CheckServers.require("curl", "--version");
        return "curl -sS --max-time 10 --noproxy '*'";
    }

    @Test
    void plainHttpIsNotEncrypted() throws Exception {
        HttpServer server = TestServers.plain(SECRET);
        int port = server.getAddress().getPort();
        try {
            Outcome o = check("--port", String.valueOf(port), "--watch", "ports", "--secret", SECRET, "--", "sh", "-c",
                    curl() + " http://127.0.0.1:" + port + "/").is("not_encrypted", 1);
            assertEquals(1, o.flows().size(), o.out());
            assertTrue(o.findings().contains("secret: \"fluffy tail\" in the server's bytes"), o.findings());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void httpsFromOurServerIsEncryptedAndEveryConnectionOfAnImmediateTestRunIsSeen() throws Exception {
        SecretServerConfig.TlsIdentity identity = new SecretServerConfig.TlsIdentity(
                Pem.readPrivateKey(pki.key(), null), Pem.readCertificates(pki.cert()));
        try (SecretServer server = SecretServer.start(SecretServerConfig.defaults().withPort(0).withTls(identity),
                SecretServer.Listener.NONE)) {
            int port = server.address().getPort();
            String get = curl() + " --cacert " + pki.ca() + " https://localhost:" + port + "/";
            // The command starts only once the capture is ready: three connections at once are all seen.
            Outcome o = check("--port", String.valueOf(port), "--watch", "ports", "--secret", SECRET, "--", "sh", "-c",
                    get + " & " + get + " & " + get + "; wait").is("encrypted", 0);
            assertEquals(3, o.flows().size(), o.out());
            for (JsonObject flow : o.flows()) {
                assertTrue(flow.get("summary").getAsString().startsWith("TLS 1.3"), flow.toString());
            }
        }
    }

    @Test
    void nginxTls12RefusesPlaintextAndTheProbeSaysSo() throws Exception {
        int port = CheckServers.freePort();
        try (ExternalCommand.Running nginx = CheckServers.nginx(dir, pki, port, "TLSv1.2")) {
            Outcome o = check("--port", String.valueOf(port), "--watch", "ports", "--probe", "localhost:" + port,
                    "--cacert", pki.ca().toString(), "--", "sh", "-c", curl() + " --cacert " + pki.ca()
                            + " https://localhost:" + port + "/").is("encrypted", 0);
            // nginx answers plain HTTP on its TLS port with 400 "The plain HTTP request was sent to HTTPS port":
            // a refusal, not a leak; and TLS is tried after it.
            assertEquals("refused: HTTP/1.1 400 Bad Request (plain HTTP request sent to an HTTPS port)",
                    o.probeAnswer("plaintext HTTP"));
            assertTrue(o.probeAnswer("TLS 1.2").startsWith("accepted: "), o.out());
            assertTrue(o.probeAnswer("TLS 1.3").startsWith("not accepted"), o.out());
            assertTrue(o.probeAnswer("TLS 1.0").startsWith("not accepted"), o.out());
            assertTrue(o.probeAnswer("certificate").startsWith("verifies against " + pki.ca()), o.out());
            assertTrue(o.flows().get(0).get("summary").getAsString().startsWith("TLS 1.2, TLS_ECDHE_"), o.out());
        }
    }

    @Test
    void nginxTls13WithTheProbe() throws Exception {
        int port = CheckServers.freePort();
        try (ExternalCommand.Running nginx = CheckServers.nginx(dir, pki, port, "TLSv1.3")) {
            Outcome o = check("--port", String.valueOf(port), "--watch", "ports", "--probe", "localhost:" + port,
                    "--cacert", pki.ca().toString(), "--policy", "modern", "--", "sh", "-c", curl() + " --cacert "
                            + pki.ca() + " https://localhost:" + port + "/");
            // modern wants an ECDSA certificate; ours is RSA: TLS 1.3 is fine, the certificate is not.
            o.is("weak_tls", 1);
            assertTrue(o.probeAnswer("TLS 1.3").startsWith("accepted: "), o.out());
            assertTrue(o.probeAnswer("TLS 1.2").startsWith("not accepted"), o.out());
            assertTrue(o.probe().toString().contains("\"answer\":\"RSA key (modern needs an ECDSA certificate)\""),
                    o.out());

            check("--port", String.valueOf(port), "--watch", "ports", "--probe", "localhost:" + port, "--cacert",
                    pki.ca().toString(), "--policy", "intermediate", "--", "sh", "-c", curl() + " --cacert " + pki.ca()
                            + " https://localhost:" + port + "/").is("encrypted", 0);
        }
    }

    @Test
    void tls10OnlyServerPassesWithAWarningAndFailsUnderIntermediate() throws Exception {
        int port = CheckServers.freePort();
        try (ExternalCommand.Running server = CheckServers.tls10Server(dir, pki, port)) {
            String client = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | openssl s_client -quiet -connect 127.0.0.1:" + port
                    + " -servername localhost -tls1 -cipher DEFAULT@SECLEVEL=0 -CAfile " + pki.ca();
            Outcome plain = check("--port", String.valueOf(port), "--watch", "ports", "--probe", "localhost:" + port,
                    "--cacert", pki.ca().toString(), "--", "sh", "-c", client).is("encrypted", 0);
            assertTrue(plain.flows().get(0).get("summary").getAsString().startsWith("TLS 1.0, "), plain.out());
            assertTrue(plain.flows().get(0).get("warnings").toString().contains("old protocol TLS 1.0"), plain.out());
            // The certificate is read from the TLS 1.0 handshake, not refused with the JDK's protocol_version.
            assertEquals("verifies against " + pki.ca() + ": CN=localhost issued by CN=Check Test CA (read from the"
                    + " TLS 1.0 handshake)", plain.probeAnswer("certificate"));
            assertTrue(plain.probeAnswer("TLS 1.0").startsWith("ACCEPTED — an outdated protocol"), plain.out());

            Outcome strict = check("--port", String.valueOf(port), "--watch", "ports", "--policy", "intermediate",
                    "--", "sh", "-c", client).is("weak_tls", 1);
            assertEquals("[\"TLS 1.0 — intermediate needs TLS 1.2 or newer\"]",
                    strict.flows().get(0).get("problems").toString(), strict.out());
        }
    }

    @Test
    void aWeakCertificateSeenOnTheWireAndByTheProbeFailsThePolicy() throws Exception {
        CheckServers.require("openssl", "version");
        // Made by openssl itself: RSA 1024, SHA-1, self-signed, for another name.
        Path key = dir.resolve("weak.key");
        Path cert = dir.resolve("weak.pem");
        ExternalCommand.Result made = ExternalCommand.run(Duration.ofSeconds(60), List.of("openssl", "req", "-x509",
                "-newkey", "rsa:1024", "-sha1", "-nodes", "-days", "2", "-subj", "/CN=other.example", "-keyout",
                key.toString(), "-out", cert.toString()));
        assertEquals(0, made.code(), made.output());
        int port = CheckServers.freePort();
        try (ExternalCommand.Running server = CheckServers.tlsServer(dir, cert, key, port, "-tls1_2")) {
            String client = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | openssl s_client -quiet -connect 127.0.0.1:"
                    + port + " -servername localhost -cipher DEFAULT@SECLEVEL=0";
            Outcome o = check("--port", String.valueOf(port), "--watch", "ports", "--policy", "intermediate",
                    "--probe", "localhost:" + port, "--", "sh", "-c", client).is("weak_tls", 1);
            assertEquals("[\"certificate self-signed\",\"certificate RSA 1024-bit key (2048 or more needed)\","
                    + "\"certificate signed with SHA-1 (SHA1withRSA)\","
                    + "\"certificate not for localhost (it is for CN=other.example)\"]",
                    o.flows().get(0).get("problems").toString(), o.out());
            assertTrue(o.probe().toString().contains("TLS_RSA_WITH_AES_128_CBC_SHA — no forward secrecy"), o.out());
            assertTrue(o.probe().toString().contains("\"answer\":\"RSA 1024-bit key (2048 or more needed)\""),
                    o.out());
        }
    }

    @Test
    void aPlaintextSideChannelOnAnotherPortFailsTheWrappedCheck() throws Exception {
        int tlsPort = CheckServers.freePort();
        HttpServer telemetry = TestServers.plain("ok");
        int plainPort = telemetry.getAddress().getPort();
        try (ExternalCommand.Running nginx = CheckServers.nginx(dir, pki, tlsPort, "TLSv1.3")) {
            String run = curl() + " --cacert " + pki.ca() + " https://localhost:" + tlsPort + "/ && " + curl()
                    + " -d token=tok_5e8a9f01 http://127.0.0.1:" + plainPort + "/telemetry";
            // Default: all of loopback is watched while the command runs; --port only names the service. As on
            // GitHub Actions, the step summary file already holds what earlier steps wrote.
            Path junit = dir.resolve("check.xml");
            Path stepSummary = dir.resolve("step-summary.md");
            Files.writeString(stepSummary, "### earlier step\n");
            Outcome o;
            WorkshopEnvironment.lookup = name -> name.equals("GITHUB_STEP_SUMMARY") ? stepSummary.toString()
                    : System.getenv(name);
            try {
                o = check("--port", String.valueOf(tlsPort), "--junit", junit.toString(), "--", "sh", "-c", run)
                        .is("not_encrypted", 1);
            } finally {
                WorkshopEnvironment.lookup = System::getenv;
            }
            JsonObject side = o.flows().stream()
                    .filter(f -> f.get("server").getAsString().endsWith(":" + plainPort)).findFirst().orElseThrow();
            assertEquals("readable", side.get("kind").getAsString());
            assertFalse(side.get("service_port").getAsBoolean());
            assertTrue(o.findings().contains("credentials: POST /telemetry  token=tok_… in the form"), o.findings());
            assertFalse(o.findings().contains("5e8a9f01"), "the token is masked: " + o.findings());
            junitReportsTheSideChannel(junit, plainPort);
            stepSummaryReportsTheSideChannel(stepSummary, plainPort);
            junitParserReadsTheSideChannel(junit, plainPort);

            // The same in text: the other port is named, and every line fits 80 columns. (Other loopback traffic on
            // this machine may show up too: all of loopback is watched.)
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.execute(new String[] {"check", "--port", String.valueOf(tlsPort), "--grace", "300ms",
                "--color", "never", "--", "sh", "-c", run}, new PrintWriter(out), new PrintWriter(err));
            assertEquals(1, code, out + "" + err);
            assertTrue(out.toString().contains("→ 127.0.0.1:" + plainPort + "  (other port)"), out.toString());
            out.toString().lines().forEach(line -> assertTrue(line.codePointCount(0, line.length()) <= 80,
                    "wider than 80 columns: " + line));
            assertTrue(err.toString().contains("Checking lo (all TCP and UDP; service port " + tlsPort + ") — ready"),
                    err.toString());
        } finally {
            telemetry.stop(0);
        }
    }

    /** Appended after what was there: the verdict as a heading, the side channel a failing row with its evidence. */
    private static void stepSummaryReportsTheSideChannel(Path file, int plainPort) throws IOException {
        String md = Files.readString(file);
        assertTrue(md.startsWith("### earlier step\n"), md);
        assertTrue(md.contains("### analyzer check: ❌ NOT ENCRYPTED"), md);
        assertTrue(md.lines().anyMatch(l -> l.startsWith("| ❌ READABLE |") && l.contains("127.0.0.1:" + plainPort
                + " (other port)")), md);
        assertTrue(md.contains("token=tok_…"), md);
        assertFalse(md.contains("5e8a9f01"), "the token is masked in the summary too: " + md);
    }

    /**
     * The JUnit XML as junitparser (a JUnit XML library CI tools build on) reads it: the counts it computes from the
     * test cases agree with ours, and the side channel's finding is a failure.
     */
    private static void junitParserReadsTheSideChannel(Path file, int plainPort) throws Exception {
        CheckServers.require(PeerScripts.PYTHON, "-c", "import junitparser");
        String script = String.join("\n",
                "import sys",
                "from junitparser import JUnitXml, Failure",
                "xml = JUnitXml.fromfile(sys.argv[1])",
                "for suite in xml:",
                "    cases = list(suite)",
                "    failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]",
                "    print('suite', suite.tests, suite.failures, len(cases), len(failed))",
                "    for c in failed:",
                "        print('failure', c.classname, '|', c.name, '|', c.result[0].message)");
        Process p = new ProcessBuilder(PeerScripts.PYTHON, "-c", script, file.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "junitparser finished");
        assertEquals(0, p.exitValue(), out);
        String[] suite = out.lines().filter(l -> l.startsWith("suite ")).findFirst().orElseThrow().split(" ");
        assertEquals(suite[1], suite[3], "tests= is the number of test cases: " + out);
        assertEquals(suite[2], suite[4], "failures= is the number of failed test cases: " + out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("failure check.finding |") && l.contains("token=tok_…")
                && l.endsWith("| credentials readable on the wire")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("failure check.connection |")
                && l.contains("127.0.0.1:" + plainPort + " (other port)")), out);
    }

    /** The JUnit XML a CI test reporter reads: consistent counts, the finding a failure with its evidence. */
    private static void junitReportsTheSideChannel(Path file, int plainPort) throws Exception {
        org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(file.toFile());
        org.w3c.dom.Element suite = (org.w3c.dom.Element) doc.getElementsByTagName("testsuite").item(0);
        org.w3c.dom.NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(cases.getLength(), Integer.parseInt(suite.getAttribute("tests")));
        assertEquals(doc.getElementsByTagName("failure").getLength(), Integer.parseInt(suite.getAttribute("failures")));
        String finding = null;
        String verdict = null;
        for (int i = 0; i < cases.getLength(); i++) {
            org.w3c.dom.Element c = (org.w3c.dom.Element) cases.item(i);
            org.w3c.dom.NodeList failures = c.getElementsByTagName("failure");
            if (c.getAttribute("classname").equals("check.finding") && c.getAttribute("name").contains("token=tok_…")
                    && failures.getLength() == 1) {
                finding = failures.item(0).getTextContent();
            }
            if (c.getAttribute("name").equals("verdict") && failures.getLength() == 1) {
                verdict = ((org.w3c.dom.Element) failures.item(0)).getAttribute("message");
            }
        }
        assertTrue(finding != null && finding.contains("127.0.0.1:" + plainPort + " (other port)"), "" + finding);
        assertTrue(verdict != null && verdict.startsWith("NOT ENCRYPTED — exit 1"), "" + verdict);
        for (int i = 0; i < cases.getLength(); i++) {
            org.w3c.dom.Element c = (org.w3c.dom.Element) cases.item(i);
            if (!c.getAttribute("classname").equals("check.command")) { // the command line is the user's own
                assertFalse(c.getAttribute("name").contains("5e8a9f01") || c.getTextContent().contains("5e8a9f01"),
                        "the token is masked in the report too: " + c.getAttribute("name"));
            }
        }
    }

    @Test
    void secretsAreFoundHoweverEncodedAndATokenInAQueryIsFlagged() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream body = exchange.getResponseBody();
            body.write("the secret is fluf".getBytes(StandardCharsets.US_ASCII));
            body.flush();
            body.write("fy tail".getBytes(StandardCharsets.US_ASCII));
            exchange.close();
        });
        server.createContext("/gzip", exchange -> {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(SECRET.getBytes(StandardCharsets.US_ASCII));
            }
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, gz.size());
            exchange.getResponseBody().write(gz.toByteArray());
            exchange.close();
        });
        // Repeated, so the encoder codes it; a short text it may store as is, found then in the raw bytes.
        byte[] br = BrotliCli.compress(("the secret is " + SECRET + "\n").repeat(20)
                .getBytes(StandardCharsets.US_ASCII));
        server.createContext("/br", exchange -> {
            exchange.getResponseHeaders().add("Content-Encoding", "br");
            exchange.sendResponseHeaders(200, br.length);
            exchange.getResponseBody().write(br);
            exchange.close();
        });
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        String base64 = Base64.getEncoder().encodeToString(("note: " + SECRET).getBytes(StandardCharsets.UTF_8));
        String run = curl() + " " + base + "/chunked && " + curl() + " -o /dev/null " + base + "/gzip && " + curl()
                + " -o /dev/null " + base + "/br && " + curl()
                + " '" + base + "/search?q=fluffy%20tail' && " + curl() + " -H 'Content-Type: text/plain' -d '"
                + base64 + "' " + base + "/upload && " + curl() + " '" + base + "/api/items?access_token=tok_9c1d2e3f'";
        try {
            Outcome o = check("--port", String.valueOf(server.getAddress().getPort()), "--watch", "ports",
                    "--secret", SECRET, "--", "sh", "-c", run).is("not_encrypted", 1);
            String findings = o.findings();
            assertTrue(findings.contains("secret: \"fluffy tail\" in the response body (de-chunked)"), findings);
            assertTrue(findings.contains("secret: \"fluffy tail\" in the response body (gzip)"), findings);
            assertTrue(findings.contains("secret: \"fluffy tail\" in the response body (br)"), findings);
            assertTrue(findings.contains("secret: GET /search?…  \"fluffy tail\" in the URL (URL-decoded)"), findings);
            assertTrue(findings.contains("secret: POST /upload  \"fluffy tail\" in the request body (base64-decoded)"),
                    findings);
            assertTrue(findings.contains("credentials: GET /api/items?…  access_token=tok_… in the URL"), findings);
            assertFalse(o.findings().contains("9c1d2e3f"), "the token is masked: " + o.findings());
        } finally {
            server.stop(0);
        }
    }

    /**
     * h2c and WebSocket as real peers spoke them (nghttp, nginx and python3-websockets, recorded in
     * src/test/resources/captures): a secret and a Bearer token in HPACK-compressed HTTP/2, a gzip'd HTTP/2 body, and
     * masked, permessage-deflate WebSocket messages.
     */
    @Test
    void secretsInH2cAndWebSocketAreFound() {
        Outcome h2 = check("--read", CapturedEvents.resource("h2c-prior-knowledge.pcap").toString(), "--secret", SECRET)
                .is("not_encrypted", 1);
        assertTrue(h2.findings().contains("credentials: GET /  authorization: Bearer tok_…"), h2.findings());
        assertTrue(h2.findings().contains("credentials: POST /index.html  password=wond… in the form"),
                h2.findings());
        assertTrue(h2.findings().contains("secret: \"fluffy tail\""), h2.findings());
        assertFalse(h2.findings().contains("tok_5ecret"), "the token is masked: " + h2.findings());

        Outcome gzip = check("--read", CapturedEvents.resource("h2c-gzip.pcap").toString(), "--secret",
                "squirrel party").is("not_encrypted", 1);
        assertTrue(gzip.findings().contains("secret: \"squirrel party\" in the response body (gzip)"),
                gzip.findings());

        Outcome ws = check("--read", CapturedEvents.resource("websocket.pcap").toString(), "--secret", SECRET)
                .is("not_encrypted", 1);
        assertEquals(3, ws.flows().size(), ws.out());
        assertTrue(ws.findings().contains("secret: \"fluffy tail\" in the WebSocket text message (unmasked)"),
                ws.findings());
        assertTrue(ws.findings().contains("secret: \"fluffy tail\" in the WebSocket text message (unmasked, inflated)"),
                ws.findings());
    }

    /**
     * A directory of its own for a test's peers: their self-signed certificate must not replace the CA-issued one
     * ({@link CheckServers#pki}) the nginx rows serve from {@link #dir}.
     */
    private static Path peers(String name) throws IOException {
        return Files.createDirectories(dir.resolve("peers-" + name));
    }

    /** check wrapping a command: --port names the service, only its ports are watched. */
    private static Outcome checkAround(int port, List<String> command, String... options) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--watch", "ports"));
        args.addAll(List.of(options));
        args.add("--");
        args.addAll(command);
        return check(args.toArray(new String[0]));
    }

    /** The one connection's summary, its wrapped words as they are. */
    private static String onlySummary(Outcome o) {
        assertEquals(1, o.flows().size(), o.out());
        return o.flows().get(0).get("summary").getAsString();
    }

    /**
     * STARTTLS as Python's smtplib and imaplib speak it to a server that upgrades: upgraded before the login is
     * encrypted, and the check says where it upgraded and what crossed before; the same login without the upgrade
     * fails with the credentials.
     */
    @Test
    void mailUpgradedWithStartTlsBeforeTheLoginIsEncryptedAndALoginInClearIsNot() throws Exception {
        Path peers = peers("mail");
        Path[] certAndKey = PeerScripts.selfSignedCertificate(peers);
        for (String[] protocol : List.of(new String[] {"smtp", "SMTP", "EHLO", "SMTP AUTH PLAIN"},
                new String[] {"imap", "IMAP", "CAPABILITY", "IMAP LOGIN"})) {
            try (PeerScripts.Server server = PeerScripts.server(peers, "mail_server.py", protocol[0],
                    certAndKey[0].toString(), certAndKey[1].toString())) {
                String port = String.valueOf(server.port());
                Outcome upgraded = checkAround(server.port(), PeerScripts.python(peers, "mail_client.py", protocol[0],
                        port, "alice", "hunter2-wonderland", "--tls")).is("encrypted", 0);
                assertTrue(onlySummary(upgraded).matches(protocol[1] + " upgraded to TLS at frame \\d+; before that"
                        + " only the banner and " + protocol[2] + "; then TLS 1\\.3, .*"), upgraded.out());

                Outcome clear = checkAround(server.port(), PeerScripts.python(peers, "mail_client.py", protocol[0],
                        port, "alice", "hunter2-wonderland")).is("not_encrypted", 1);
                assertTrue(clear.findings().contains("credentials: " + protocol[3] + "  user alice  password hunt…"),
                        clear.findings());
                assertFalse(clear.findings().contains("hunter2-wonderland"), "masked: " + clear.findings());
            }
        }
    }

    /**
     * A real PostgreSQL server and psql: sslmode=require upgrades after the SSLRequest and is encrypted;
     * sslmode=disable sends the password in clear.
     */
    @Test
    void postgresWithSslmodeRequireIsEncryptedAndWithSslmodeDisableIsNot() throws Exception {
        try (PostgresServer server = PostgresServer.start()) {
            List<String> env = List.of("env", "PGPASSWORD=" + PostgresServer.PASSWORD);
            List<String> require = new ArrayList<>(env);
            require.addAll(server.psqlCommand("require", "SELECT 1"));
            Outcome upgraded = checkAround(server.port(), require).is("encrypted", 0);
            assertTrue(onlySummary(upgraded).matches("PostgreSQL upgraded to TLS at frame \\d+; before that only the"
                    + " SSLRequest; then TLS 1\\.3, .*"), upgraded.out());

            List<String> disable = new ArrayList<>(env);
            disable.addAll(server.psqlCommand("disable", "SELECT 'fluffy tail'"));
            Outcome clear = checkAround(server.port(), disable, "--secret", SECRET).is("not_encrypted", 1);
            assertTrue(clear.findings().contains("credentials: PostgreSQL cleartext password  user postgres"
                    + "  password hunt…"), clear.findings());
            assertTrue(clear.findings().contains("secret: \"fluffy tail\" in the client's bytes"), clear.findings());
        }
    }

    /**
     * UDP: dig's DNS queries are information (the names travel in clear) and leave nothing to judge; a token in a
     * datagram a Python client sends fails the check.
     */
    @Test
    void dnsOverUdpIsInformationAndATokenInADatagramIsNotEncrypted() throws Exception {
        ExternalCommand.require("dig", "-v");
        try (PeerScripts.Server dns = PeerScripts.server(peers("dns"), "dns_responder.py")) {
            Outcome names = checkAround(dns.port(), List.of("dig", "@127.0.0.1", "-p", String.valueOf(dns.port()),
                    "+tries=1", "+time=3", "+noedns", "fluffy.example", "A")).is("nothing", 3);
            assertEquals("info", names.flows().get(0).get("kind").getAsString(), names.out());
            assertTrue(names.findings().contains("dns query: A fluffy.example  (names travel in clear)"),
                    names.findings());
        }
        int port = CheckServers.freePort();
        Outcome token = checkAround(port, List.of(PeerScripts.PYTHON, "-c", "import socket;"
                + " socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'{\"device\": \"thermostat\","
                + " \"token\": \"tok_5e3f9a2b7c\"}', ('127.0.0.1', " + port + "))"), "--secret", "tok_5e3f9a2b7c")
                .is("not_encrypted", 1);
        assertEquals("readable", token.flows().get(0).get("kind").getAsString(), token.out());
        assertTrue(token.findings().contains("in the client's bytes"), token.findings());
    }

    /** QUIC: ngtcp2's client and server (Debian's ngtcp2-client, ngtcp2-server) make a real connection. */
    @Test
    void quicIsEncrypted() throws Exception {
        ExternalCommand.require("gtlsclient", "--help");
        ExternalCommand.require("gtlsserver", "--help");
        Path peers = peers("quic");
        Path[] certAndKey = PeerScripts.selfSignedCertificate(peers);
        int port;
        try (java.net.DatagramSocket free = new java.net.DatagramSocket(0)) {
            port = free.getLocalPort();
        }
        try (ExternalCommand.Running server = ExternalCommand.start(peers, java.util.Map.of(), List.of("gtlsserver",
                "-q", "127.0.0.1", String.valueOf(port), certAndKey[1].toString(), certAndKey[0].toString()))) {
            Thread.sleep(300);
            Outcome quic = checkAround(port, List.of("gtlsclient", "-q", "--exit-on-first-stream-close",
                    "--timeout=5s", "localhost", String.valueOf(port), "https://localhost:" + port + "/"))
                    .is("encrypted", 0);
            assertTrue(onlySummary(quic).matches("QUIC v1, TLS 1\\.3, TLS_\\w+, SNI localhost"), quic.out());
        }
    }

    @Test
    void aCheckStartedInTheBackgroundSaysWhenItIsReady() throws Exception {
        HttpServer server = TestServers.plain("ok");
        int port = server.getAddress().getPort();
        Path ready = dir.resolve("ready");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread check = new Thread(() -> code.set(Main.execute(new String[] {"check", "--port", String.valueOf(port),
            "--duration", "4s", "--ready-file", ready.toString(), "--format", "json"}, new PrintWriter(out),
                new PrintWriter(err))));
        try {
            check.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(ready) && check.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (!check.isAlive()) {
                skipUnlessCapturePermitted(code.get(), err.toString());
            }
            assertTrue(Files.exists(ready), "no ready file: " + err);
            // Right away: the moment the file exists, every packet is captured.
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + i)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            check.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(check.isAlive(), "check did not stop");
            assertEquals(1, code.get(), out + "" + err);
            assertEquals(3, out.toString().lines().filter(l -> l.contains("\"event\":\"check.flow\"")).count(),
                    out.toString());
            assertTrue(err.toString().matches("(?s)Checking lo \\(tcp port " + port + " or udp port " + port
                    + "\\) for 4 s — ready.*"),
                    err.toString());
            assertFalse(Files.exists(ready), "the ready file is removed when the check ends");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void sigtermEndsTheWindowEarlyAndTheVerdictStatesTheRealDuration() throws Exception {
        HttpServer server = TestServers.plain("ok");
        int port = server.getAddress().getPort();
        Path ready = dir.resolve("ready-term");
        Path summary = dir.resolve("step-summary.md");
        Files.writeString(summary, "earlier steps\n");
        try (ExternalCommand.Running check = ExternalCommand.start(dir, java.util.Map.of("GITHUB_STEP_SUMMARY",
                summary.toString()), ExternalCommand.analyzer(
                "check", "--port", String.valueOf(port), "--duration", "120s", "--ready-file", ready.toString(),
                "--format", "json"))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (!Files.exists(ready)) {
                int code = check.stop(Duration.ofSeconds(10));
                skipUnlessCapturePermitted(code, check.stderr());
                throw new AssertionError("never ready: " + check.stderr());
            }
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.discarding());
            long sent = System.nanoTime();
            int code = check.stop(Duration.ofSeconds(30));
            assertTrue(System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(30));
            String verdict = check.awaitLine("check.verdict", Duration.ofSeconds(5));
            JsonObject v = JsonParser.parseString(verdict).getAsJsonObject();
            assertEquals(1, code, verdict + check.stderr());
            assertEquals(code, v.get("exit_code").getAsInt());
            assertTrue(v.get("interrupted").getAsBoolean(), verdict);
            assertTrue(v.get("watched_ms").getAsLong() < 60_000, verdict);
            String md = Files.readString(summary);
            assertTrue(md.startsWith("earlier steps\n### analyzer check: ❌ NOT ENCRYPTED\n"), md);
            assertTrue(md.contains("| ❌ READABLE | #1 127.0.0.1:"), md);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aFailedCommandHasItsOwnExitCodeWhenTheTrafficPasses() throws Exception {
        int port = CheckServers.freePort();
        try (ExternalCommand.Running nginx = CheckServers.nginx(dir, pki, port, "TLSv1.2 TLSv1.3")) {
            Outcome o = check("--port", String.valueOf(port), "--watch", "ports", "--", "sh", "-c",
                    curl() + " --cacert " + pki.ca() + " https://localhost:" + port + "/; exit 3");
            assertEquals(4, o.code(), o.out() + o.err());
            assertEquals("encrypted", o.verdict().get("verdict").getAsString());
            assertEquals(4, o.verdict().get("exit_code").getAsInt());
            assertEquals(3, o.verdict().getAsJsonObject("command").get("exit_code").getAsInt(), o.out());
        }
    }
}
