package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.TestServers;
import analyzer.capture.TestTls;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `analyzer check` on the committed captures, on live loopback traffic, and with --probe. */
@Timeout(120)
class CheckCommandTest {

    private static final String SECRET = "fluffy tail";

    @TempDir
    Path dir;

    @Test
    void plaintextCaptureIsNotEncryptedAndListsWhatLeaked() {
        CommandRun r = CommandRun.of("check", "--read", "captures/http-secret.pcap", "--secret", SECRET,
                "--color", "never");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOT ENCRYPTED — 2 of 2 connections readable on the wire"), r.out());
        assertTrue(r.out().contains("1 HTTP request in clear (GET /)  (frame 4)"), r.out());
        assertTrue(r.out().contains("credentials   POST /login  password=wond… in the form  (frame 14)"), r.out());
        assertTrue(r.out().contains("\"fluffy tail\" in the server's bytes  (frame 6)"), r.out());
        assertFalse(r.out().contains("wonderland"), "the password itself is not put on the projector: " + r.out());
    }

    @Test
    void tlsCaptureIsEncryptedAndWarnsAboutTheAlert() {
        CommandRun r = CommandRun.of("check", "--read", "captures/https-secret.pcap", "--secret", SECRET,
                "--color", "never");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ENCRYPTED — every connection with data was TLS (2 connections)"), r.out());
        assertTrue(r.out().contains("TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, SNI localhost"), r.out());
        assertTrue(r.out().contains("⚠ handshake alert from the client: fatal unknown_ca"), r.out());
        assertFalse(r.out().contains("secret "), r.out());
    }

    @Test
    void jsonVerdictForScripts() {
        CommandRun r = CommandRun.of("check", "--read", "captures/http-secret.pcap", "--format", "json");
        assertEquals(1, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[0].startsWith("{\"event\":\"check.flow\",\"flow\":1,"), lines[0]);
        assertTrue(lines[0].contains("\"kind\":\"readable\""), lines[0]);
        assertTrue(lines[2].startsWith("{\"event\":\"check.verdict\",\"verdict\":\"not_encrypted\""), lines[2]);
        assertTrue(lines[2].endsWith("\"exit_code\":1}"), lines[2]);
    }

    @Test
    void aCaptureWithoutDataHasNothingToJudge() throws IOException {
        Path empty = dir.resolve("empty.pcap");
        // A pcap header (Ethernet link type) and no packets.
        Files.write(empty, new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
            0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 1, 0, 0, 0});
        CommandRun r = CommandRun.of("check", "--read", empty.toString(), "--color", "never");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOTHING TO JUDGE — no data seen"), r.out());
    }

    @Test
    void usageErrorsAreOneLine() {
        for (String[] args : new String[][] {
            {"check"},
            {"check", "--read", "captures/http-secret.pcap", "--port", "5683"},
            {"check", "--read", "no-such-file.pcap"},
            {"check", "--probe", "localhost"},
            {"check", "--read", "captures/http-secret.pcap", "--cacert", "ca.pem"},
            {"check", "--read", "captures/http-secret.pcap", "--secret", ""},
        }) {
            CommandRun r = CommandRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("analyzer: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertTrue(r.err().lines().count() <= 2, r.err());
        }
    }

    /** A live check around a curl command, in text; skipped (failed in CI) when capture is not permitted. */
    private static CommandRun wrapped(int port, String curlArgs, String... options) {
        CheckServers.require("curl", "--version");
        List<String> args = new ArrayList<>(List.of("check", "--port", String.valueOf(port), "--watch", "ports",
                "--grace", "300ms", "--color", "never"));
        args.addAll(List.of(options));
        args.addAll(List.of("--", "sh", "-c", "curl -sS --max-time 10 --noproxy '*' " + curlArgs));
        CommandRun r = CommandRun.of(args.toArray(new String[0]));
        CheckMatrixTest.skipUnlessCapturePermitted(r.code(), r.err());
        return r;
    }

    @Test
    void liveHttpIsNotEncryptedAndTheProbeSeesPlaintext() throws Exception {
        HttpServer server = TestServers.plain(SECRET);
        int port = server.getAddress().getPort();
        try {
            CommandRun r = wrapped(port, "http://127.0.0.1:" + port + "/", "--secret", SECRET, "--probe",
                    "127.0.0.1:" + port);
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("NOT ENCRYPTED — 1 of 1 connection readable on the wire"), r.out());
            assertTrue(r.out().contains("\"fluffy tail\" in the server's bytes"), r.out());
            assertTrue(r.out().matches("(?s).*plaintext HTTP +✗ ANSWERED: HTTP/1.1 200 OK — served in clear.*"), r.out());
            assertTrue(r.out().matches("(?s).*TLS +not tried: the port speaks plaintext HTTP.*"), r.out());
            assertTrue(r.out().contains("command exited 0"), r.out());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void liveHttpsIsEncryptedAndTheProbeListsVersions() throws Exception {
        TestTls tls = new TestTls();
        HttpsServer server = TestServers.tls(tls, SECRET);
        int port = server.getAddress().getPort();
        try {
            CommandRun r = wrapped(port, "-k https://localhost:" + port + "/", "--secret", SECRET, "--probe",
                    "localhost:" + port);
            String out = r.out();
            assertTrue(out.matches("(?s)ENCRYPTED  #1  127.0.0.1:\\d+ → 127.0.0.1:" + port + "\n    TLS 1.3, TLS_.*"),
                    out);
            assertTrue(out.contains("SNI localhost"), out);
            assertTrue(out.matches("(?s).*TLS 1.0 +not accepted.*"), out);
            assertTrue(out.matches("(?s).*TLS 1.3 +accepted: 3 suites: TLS_.*"), out);
            // The certificate is self-signed: the JDK's trust store does not know it, and the probe says so.
            assertTrue(out.matches("(?s).*certificate +✗ FAILS against the JDK's trust store:\\s+unable to get"
                    + "\\s+local\\s+issuer certificate.*"), out);
            assertTrue(out.matches("(?s).*certificate +⚠ self-signed.*"), out);
            assertTrue(out.contains("WEAK TLS — the probe found weaknesses"), out);
            assertEquals(1, r.code(), "an unverifiable certificate fails the check: " + out);
        } finally {
            server.stop(0);
        }
    }
}
