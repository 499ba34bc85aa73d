package analyzer.dissect.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.TcpdumpRecording;
import analyzer.capture.Tshark;
import analyzer.cli.CommandRun;
import analyzer.workshop.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real PostgreSQL server (Debian's postgresql, started here as the postgres user) and psql: a login with the
 * "password" method in clear is a credential; sslmode=require sends an SSLRequest, the server answers 'S' and the
 * rest is TLS — which check judges ENCRYPTED (it used to fail on the "S"). Compared with tshark's pgsql decoding.
 */
@Timeout(240)
class PostgresCaptureTest {

    private static final String PASSWORD = PostgresServer.PASSWORD;

    @Test
    void cleartextPasswordIsACredentialAndSslRequestThenTlsIsEncrypted() throws Exception {
        Path pcap;
        Path dir = Files.createTempDirectory("analyzer-pgsql-capture");
        try (PostgresServer server = PostgresServer.start()) {
            int port = server.port();
            pcap = dir.resolve("pgsql.pcap");
            try (TcpdumpRecording recording = TcpdumpRecording.start(pcap, "tcp port " + port)) {
                server.psql("disable", "SELECT 'fluffy tail'");
                server.psql("require", "SELECT 1");
                recording.stop();
            }
            check(pcap, port);
        } finally {
            ExternalCommand.run(Duration.ofSeconds(30), List.of("rm", "-rf", dir.toString()));
        }
    }

    private static void check(Path pcap, int port) throws Exception {
        CommandRun read = CommandRun.of("read", pcap.toString(), "--color", "never");
        String text = read.out();
        assertTrue(text.contains("PostgreSQL  StartupMessage user=postgres database=postgres"), text);
        assertTrue(text.contains("PostgreSQL  AuthenticationCleartextPassword"), text);
        assertTrue(text.contains("PostgreSQL  cleartext password  user postgres  password hunt…"), text);
        assertTrue(text.contains("PostgreSQL  Query: SELECT 'fluffy tail'"), text);
        assertTrue(text.contains("PostgreSQL  SSLRequest"), text);
        assertTrue(text.contains("PostgreSQL  upgrade to TLS accepted: what follows is TLS"), text);
        assertTrue(text.matches("(?s).*#2 [^\\n]*TLS  handshake  ClientHello.*"), text);
        assertFalse(text.contains(PASSWORD), text);

        List<String> tshark = Tshark.fields(pcap, List.of("tcp.port==" + port + ",pgsql"), "pgsql.password",
                "pgsql.password");
        assertEquals(List.of(PASSWORD), tshark, "tshark reads the same password from the file");

        CommandRun check = CommandRun.of("check", "--read", pcap.toString(), "--color", "never");
        assertEquals(1, check.code(), check.out());
        assertTrue(check.out().contains("credentials   PostgreSQL cleartext password  user postgres  password hunt…"),
                check.out());
        assertTrue(joined(check.out()).matches("(?s).*ENCRYPTED  #2 [^\\n]*PostgreSQL upgraded to TLS at frame \\d+; before"
                + " that only the SSLRequest; then TLS 1.3.*"), check.out());
    }

    /** check's text with its wrapped lines (80 columns, summary under the connection) joined back into one. */
    private static String joined(String out) {
        return out.replaceAll("\\n {4,}", " ");
    }
}
