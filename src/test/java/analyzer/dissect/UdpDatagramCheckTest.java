package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.capture.TcpdumpRecording;
import analyzer.cli.CommandRun;
import analyzer.workshop.ExternalCommand;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A token sent over UDP by a real client is readable on the wire, and check fails on it as it does for TCP. */
@Timeout(60)
class UdpDatagramCheckTest {

    @TempDir
    Path dir;

    @Test
    void tokenInADatagramFailsTheCheck() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        Path pcap = dir.resolve("udp-token.pcap");
        try (TcpdumpRecording recording = TcpdumpRecording.start(pcap, "udp port " + port)) {
            ExternalCommand.require(PeerScripts.PYTHON);
            ExternalCommand.Result sent = ExternalCommand.run(Duration.ofSeconds(20), List.of(PeerScripts.PYTHON, "-c",
                    "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                            + " s.sendto(b'{\"device\": \"thermostat\", \"token\": \"tok_5e3f9a2b7c\"}',"
                            + " ('127.0.0.1', " + port + "))"));
            assertEquals(0, sent.code(), sent.output());
            recording.stop();
        }
        CommandRun read = CommandRun.of("read", pcap.toString(), "--color", "never");
        assertTrue(read.out().contains("DATA  51 bytes (a UDP datagram, neither DNS nor QUIC)"), read.out());

        CommandRun check = CommandRun.of("check", "--read", pcap.toString(), "--secret", "tok_5e3f9a2b7c",
                "--color", "never");
        assertEquals(1, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("READABLE"), check.out());
        assertTrue(check.out().contains("\"tok_5e3f9a2b7c\" in the client's bytes"), check.out());
        assertTrue(check.out().contains("NOT ENCRYPTED"), check.out());
    }
}
