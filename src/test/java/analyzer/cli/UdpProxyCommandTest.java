package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.workshop.ExternalCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `analyzer proxy --udp` with real clients: dig through it to a small DNS responder (queries and answers printed
 * as capture prints them, "seen by proxy"), a datagram carrying a password flagged, an ngtcp2 QUIC handshake whose
 * Initial shows the SNI, and its usage errors.
 */
@Timeout(180)
class UdpProxyCommandTest {

    @TempDir
    Path dir;

    @Test
    void digThroughTheUdpProxyIsPrintedAndACredentialInADatagramIsFlagged() throws Exception {
        ExternalCommand.require("dig", "-v");
        try (PeerScripts.Server dns = PeerScripts.server(dir, "dns_responder.py")) {
            int port = freeUdpPort();
            Running proxy = Running.start("proxy", "--udp", "--listen", "127.0.0.1:" + port, "--upstream",
                    "127.0.0.1:" + dns.port(), "--color", "never", "--duration", "120s");
            ExternalCommand.Result a = ExternalCommand.run(Duration.ofSeconds(20), List.of("dig", "@127.0.0.1", "-p",
                    String.valueOf(port), "+tries=1", "+time=5", "+noedns", "fluffy.example", "A"));
            assertTrue(a.output().contains("192.0.2.7"), a.output());
            ExternalCommand.Result token = ExternalCommand.run(Duration.ofSeconds(20), List.of(PeerScripts.PYTHON,
                    "-c", "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto("
                            + "b'{\"user\":\"alice\",\"password\":\"hunter2-wonderland\"}', ('127.0.0.1', " + port
                            + "))"));
            assertEquals(0, token.code(), token.output());
            proxy.awaitOutput("password=hunt…");
            Result r = proxy.stop();
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("DNS  query  A fluffy.example  id 0x"), r.out());
            assertTrue(r.out().contains("DNS  answer  NOERROR  A fluffy.example  id 0x"), r.out());
            assertTrue(r.out().contains("    fluffy.example  A  192.0.2.7  ttl 300"), r.out());
            assertTrue(r.out().contains("seen by proxy"), r.out());
            assertTrue(r.out().contains("DATA  48 bytes (a UDP datagram, neither DNS nor QUIC)"), r.out());
            assertTrue(r.out().contains("⚠ credentials in clear: password=hunt… in the JSON datagram"), r.out());
            assertFalse(r.out().contains("hunter2-wonderland\""), "masked: " + r.out());
            assertTrue(r.err().contains("proxy UDP 127.0.0.1:" + port + " → 127.0.0.1:" + dns.port()), r.err());
            assertTrue(r.err().contains("2 clients · 3 datagrams relayed (2 to the upstream, 1 back) · 2 DNS messages"),
                    r.err());
        }
    }

    @Test
    void aQuicHandshakeThroughTheUdpProxyShowsItsSni() throws Exception {
        ExternalCommand.require("gtlsclient", "--help");
        ExternalCommand.require("gtlsserver", "--help");
        Path[] certAndKey = PeerScripts.selfSignedCertificate(dir);
        int serverPort = freeUdpPort();
        int port = freeUdpPort();
        try (ExternalCommand.Running server = ExternalCommand.start(dir, Map.of(), List.of("gtlsserver", "-q",
                "127.0.0.1", String.valueOf(serverPort), certAndKey[1].toString(), certAndKey[0].toString()))) {
            Running proxy = Running.start("proxy", "--udp", "--listen", "127.0.0.1:" + port, "--upstream",
                    "127.0.0.1:" + serverPort, "--color", "never", "--brief", "--duration", "120s");
            ExternalCommand.Result client = ExternalCommand.run(Duration.ofSeconds(30), List.of("gtlsclient", "-q",
                    "--exit-on-first-stream-close", "--timeout=5s", "localhost", String.valueOf(port),
                    "https://localhost:" + port + "/"));
            assertEquals(0, client.code(), client.output() + server.stderr());
            Result r = proxy.stop();
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("QUIC            127.0.0.1:"), r.out());
            assertTrue(r.out().contains(" → 127.0.0.1:" + serverPort + "  QUIC v1, SNI localhost, ALPN h3  #1"),
                    r.out());
            assertTrue(r.err().contains("QUIC packets"), r.err());
        }
    }

    @Test
    void optionsOfTcpConnectionsAreRefusedWithUdp() {
        CommandRun forward = CommandRun.of("proxy", "--udp", "--listen", "127.0.0.1:0");
        assertEquals(2, forward.code(), forward.err());
        assertTrue(forward.err().contains("--udp needs --upstream HOST:PORT"), forward.err());
        CommandRun tls = CommandRun.of("proxy", "--udp", "--upstream", "127.0.0.1:53", "--tls", "intercept");
        assertEquals(2, tls.code(), tls.err());
        assertTrue(tls.err().contains("--tls applies to TCP connections, not to --udp"), tls.err());
        CommandRun save = CommandRun.of("proxy", "--udp", "--upstream", "127.0.0.1:53", "--save", "x.pcap");
        assertEquals(2, save.code(), save.err());
        assertTrue(save.err().contains("--save applies to TCP connections, not to --udp"), save.err());
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private record Result(int code, String out, String err) {
    }

    /** `analyzer …` in this JVM until {@link #stop} (the in-process Ctrl-C); started once its banner is out. */
    private record Running(Thread thread, StringWriter out, StringWriter err, AtomicInteger code) {

        static Running start(String... args) throws InterruptedException {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger code = new AtomicInteger(-1);
            Thread t = new Thread(() -> code.set(Main.execute(args, new PrintWriter(out), new PrintWriter(err))),
                    "analyzer " + args[0]);
            t.start();
            Running r = new Running(t, out, err, code);
            r.await(err, "Ctrl-C to stop");
            return r;
        }

        void awaitOutput(String text) throws InterruptedException {
            await(out, text);
        }

        private void await(StringWriter w, String text) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!w.toString().contains(text) && thread.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(w.toString().contains(text), "waited for \"" + text + "\": " + out + err);
        }

        Result stop() throws InterruptedException {
            thread.interrupt();
            thread.join(30_000);
            assertFalse(thread.isAlive(), "the command did not stop when interrupted");
            return new Result(code.get(), out.toString(), err.toString());
        }
    }
}
