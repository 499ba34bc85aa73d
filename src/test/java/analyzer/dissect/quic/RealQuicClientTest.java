package analyzer.dissect.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.capture.TcpdumpRecording;
import analyzer.capture.Tshark;
import analyzer.cli.CommandRun;
import analyzer.workshop.ExternalCommand;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ngtcp2's client and server (Debian's ngtcp2-client and ngtcp2-server) make a real QUIC connection on loopback,
 * recorded by tcpdump: read shows the version and the SNI from the client's Initial, tshark agrees, and check finds
 * the flow encrypted.
 */
@Timeout(120)
class RealQuicClientTest {

    @TempDir
    Path dir;

    @Test
    void ngtcp2HandshakeShowsTheSniAndIsJudgedEncrypted() throws Exception {
        ExternalCommand.require("gtlsclient", "--help");
        ExternalCommand.require("gtlsserver", "--help");
        Path[] certAndKey = PeerScripts.selfSignedCertificate(dir);
        Path cert = certAndKey[0];
        Path key = certAndKey[1];
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        Path pcap = dir.resolve("quic.pcap");
        try (ExternalCommand.Running server = ExternalCommand.start(dir, Map.of(), List.of("gtlsserver", "-q",
                "127.0.0.1", String.valueOf(port), key.toString(), cert.toString()));
             TcpdumpRecording recording = TcpdumpRecording.start(pcap, "udp port " + port)) {
            Thread.sleep(300);
            ExternalCommand.Result client = ExternalCommand.run(Duration.ofSeconds(30), List.of("gtlsclient", "-q",
                    "--exit-on-first-stream-close", "--timeout=5s", "localhost", String.valueOf(port),
                    "https://localhost:" + port + "/"));
            assertEquals(0, client.code(), client.output() + server.stderr());
            recording.stop();
        }

        CommandRun text = CommandRun.of("read", pcap.toString(), "--color", "never");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("QUIC  Initial  QUIC v1  ClientHello  SNI localhost, ALPN h3, offers TLS 1.3"),
                text.out());
        assertTrue(text.out().contains("QUIC  Initial  QUIC v1  ServerHello  TLS 1.3, TLS_"), text.out());
        assertTrue(text.out().contains("QUIC  1-RTT  "), text.out());

        List<String> tshark = Tshark.fields(pcap, "tls.handshake.type == 1", "quic.version",
                "tls.handshake.extensions_server_name", "tls.handshake.extensions_alpn_str");
        assertEquals(List.of("0x00000001\tlocalhost\th3"), tshark);

        CommandRun check = CommandRun.of("check", "--read", pcap.toString(), "--color", "never");
        assertEquals(0, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("ENCRYPTED  #1  127.0.0.1:"), check.out());
        assertTrue(check.out().contains("QUIC v1, TLS 1.3, TLS_"), check.out());
        assertTrue(check.out().contains("SNI localhost"), check.out());
    }
}
