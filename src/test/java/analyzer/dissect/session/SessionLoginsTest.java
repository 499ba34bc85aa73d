package analyzer.dissect.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.capture.TcpdumpRecording;
import analyzer.capture.Tshark;
import analyzer.cli.CommandRun;
import analyzer.workshop.ExternalCommand;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins of Redis (redis-server and redis-cli) and telnet (the telnet client against a small server), recorded by
 * tcpdump: flagged as credentials, masked unless --show-secrets, agreed with by tshark, failed by check.
 */
@Timeout(120)
class SessionLoginsTest {

    private static final String PASSWORD = "hunter2-wonderland";

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void redisAuthIsACredentialInClear() throws Exception {
        ExternalCommand.require("redis-server");
        ExternalCommand.require("redis-cli");
        int port = freePort();
        Path pcap = dir.resolve("redis.pcap");
        try (ExternalCommand.Running server = ExternalCommand.start(dir, java.util.Map.of(), List.of("redis-server",
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--requirepass", PASSWORD, "--dir", dir.toString()))) {
            server.awaitLine("Ready to accept connections", Duration.ofSeconds(20));
            try (TcpdumpRecording recording = TcpdumpRecording.start(pcap, "tcp port " + port)) {
                ExternalCommand.Result set = ExternalCommand.run(Duration.ofSeconds(20), List.of("redis-cli", "-h",
                        "127.0.0.1", "-p", String.valueOf(port), "--no-auth-warning", "-a", PASSWORD, "SET", "secret",
                        "fluffy tail"));
                assertTrue(set.output().contains("OK"), set.output());
                recording.stop();
            }
        }
        CommandRun read = CommandRun.of("read", pcap.toString(), "--color", "never");
        assertTrue(read.out().contains("Redis  AUTH  password hunt…"), read.out());
        assertTrue(read.out().contains("Redis  SET secret fluffy tail"), read.out());
        assertTrue(read.out().contains("Redis  OK"), read.out());
        assertFalse(read.out().contains(PASSWORD), read.out());
        CommandRun shown = CommandRun.of("read", pcap.toString(), "--format", "json", "--show-secrets");
        assertTrue(shown.out().contains("\"credentials.secret\":\"" + PASSWORD + "\""), shown.out());

        List<String> tshark = Tshark.fields(pcap, List.of("tcp.port==" + port + ",resp"),
                "resp.bulk_string.value == \"AUTH\"", "resp.bulk_string.value");
        // tshark gives bulk strings as hex.
        assertEquals(List.of(hex("AUTH") + "," + hex(PASSWORD)), tshark, "tshark reads the same AUTH from the file");

        CommandRun check = CommandRun.of("check", "--read", pcap.toString(), "--color", "never");
        assertEquals(1, check.code(), check.out());
        assertTrue(check.out().contains("credentials   Redis AUTH  password hunt…"), check.out());
        assertTrue(check.out().contains("plaintext Redis"), check.out());
    }

    @Test
    void telnetLoginTypedAtThePromptsIsACredential() throws Exception {
        ExternalCommand.require("telnet", "--help");
        Path pcap = dir.resolve("telnet.pcap");
        int telnetPort;
        try (PeerScripts.Server server = PeerScripts.server(dir, "telnet_server.py");
             TcpdumpRecording recording = TcpdumpRecording.start(pcap, "tcp port " + server.port())) {
            telnetPort = server.port();
            Process telnet = new ProcessBuilder("telnet", "127.0.0.1", String.valueOf(server.port()))
                    .redirectErrorStream(true).start();
            try {
                StringBuilder seen = new StringBuilder();
                OutputStream keys = telnet.getOutputStream();
                awaitOutput(telnet, seen, "login:");
                type(keys, "alice\n");
                awaitOutput(telnet, seen, "Password:");
                type(keys, PASSWORD + "\n");
                awaitOutput(telnet, seen, "Welcome, alice.");
                type(keys, "exit\n");
                telnet.waitFor(10, TimeUnit.SECONDS);
            } finally {
                telnet.destroyForcibly();
            }
            recording.stop();
        }
        CommandRun read = CommandRun.of("read", pcap.toString(), "--color", "never");
        assertTrue(read.out().contains("telnet  login: alice"), read.out());
        assertTrue(read.out().contains("telnet  login  user alice  password hunt…"), read.out());
        assertTrue(read.out().contains("telnet  Welcome, alice."), read.out());
        assertTrue(read.out().indexOf("telnet  Password:") >= 0 && read.out().indexOf("telnet  Password:")
                < read.out().indexOf("telnet  login  user alice"), "the prompt is shown when it came, before the"
                + " password typed at it: " + read.out());
        List<String> tshark = Tshark.fields(pcap, List.of("tcp.port==" + telnetPort + ",telnet"), "telnet.data",
                "telnet.data");
        assertTrue(String.join("", tshark).contains(PASSWORD.substring(0, 4)), "tshark sees the typed password: "
                + tshark);
        CommandRun check = CommandRun.of("check", "--read", pcap.toString(), "--color", "never");
        assertEquals(1, check.code(), check.out());
        assertTrue(check.out().contains("credentials   telnet login  user alice  password hunt…"), check.out());
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void type(OutputStream keys, String text) throws Exception {
        keys.write(text.getBytes(StandardCharsets.US_ASCII));
        keys.flush();
    }

    private static void awaitOutput(Process p, StringBuilder seen, String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        var in = p.getInputStream();
        while (!seen.toString().contains(marker)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("telnet never showed '" + marker + "': " + seen);
            }
            if (in.available() > 0) {
                seen.append((char) in.read());
            } else {
                Thread.sleep(20);
            }
        }
    }
}
