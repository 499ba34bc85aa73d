package analyzer.dissect.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.capture.TcpdumpRecording;
import analyzer.capture.Tshark;
import analyzer.cli.CommandRun;
import analyzer.workshop.ExternalCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real PostgreSQL server (Debian's postgresql, started here as the postgres user) and psql: a login with the
 * "password" method in clear is a credential; sslmode=require sends an SSLRequest, the server answers 'S' and the
 * rest is TLS — which check judges ENCRYPTED (it used to fail on the "S"). Compared with tshark's pgsql decoding.
 */
@Timeout(240)
class PostgresCaptureTest {

    private static final String PASSWORD = "hunter2-wonderland";

    private Path dir;
    private Path data;
    private Path bin;

    @AfterEach
    void stopServer() throws Exception {
        if (data != null && Files.exists(data.resolve("postmaster.pid"))) {
            asPostgres(Duration.ofSeconds(60), "pg_ctl", "-D", data.toString(), "-m", "immediate", "stop");
        }
        if (dir != null) {
            ExternalCommand.run(Duration.ofSeconds(30), List.of("rm", "-rf", dir.toString()));
        }
    }

    @Test
    void cleartextPasswordIsACredentialAndSslRequestThenTlsIsEncrypted() throws Exception {
        int port = startServer();
        Path pcap = dir.resolve("pgsql.pcap");
        try (TcpdumpRecording recording = TcpdumpRecording.start(pcap, "tcp port " + port)) {
            psql(port, "disable", "SELECT 'fluffy tail'");
            psql(port, "require", "SELECT 1");
            recording.stop();
        }
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

    /** initdb, TLS with a self-signed certificate, "password" (cleartext) for TCP logins, then start. */
    private int startServer() throws Exception {
        List<Path> initdb = new ArrayList<>();
        if (Files.isDirectory(Path.of("/usr/lib/postgresql"))) {
            try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
                versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .forEach(initdb::add);
            }
        }
        if (initdb.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("postgresql is required in CI (.ci/run installs it)");
            }
            Assumptions.abort("postgresql is not installed");
        }
        ExternalCommand.require("psql");
        bin = initdb.get(0);
        dir = Files.createTempDirectory("analyzer-pgsql");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, postgres);
        data = dir.resolve("data");
        asPostgres(Duration.ofSeconds(120), "initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-N");
        Path[] certAndKey = PeerScripts.selfSignedCertificate(dir);
        Files.copy(certAndKey[0], data.resolve("server.crt"));
        Files.copy(certAndKey[1], data.resolve("server.key"));
        Files.setPosixFilePermissions(data.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        Files.setOwner(data.resolve("server.crt"), postgres);
        Files.setOwner(data.resolve("server.key"), postgres);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(data.resolve("postgresql.conf"), "listen_addresses = '127.0.0.1'\nport = " + port
                + "\nunix_socket_directories = '" + dir + "'\nssl = on\nssl_cert_file = 'server.crt'\n"
                + "ssl_key_file = 'server.key'\nfsync = off\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 password\n");
        asPostgres(Duration.ofSeconds(120), "pg_ctl", "-D", data.toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "100", "start");
        ExternalCommand.Result set = ExternalCommand.run(Duration.ofSeconds(60), List.of("psql", "-h", dir.toString(),
                "-p", String.valueOf(port), "-U", "postgres", "-c", "ALTER USER postgres PASSWORD '" + PASSWORD + "'"));
        assertEquals(0, set.code(), set.output());
        return port;
    }

    private void asPostgres(Duration timeout, String tool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", bin.resolve(tool).toString()));
        command.addAll(List.of(args));
        ExternalCommand.Result r = ExternalCommand.run(timeout, command);
        assertEquals(0, r.code(), String.join(" ", command) + ": " + r.output());
    }

    private static void psql(int port, String sslmode, String sql) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("psql", "host=127.0.0.1 port=" + port
                + " user=postgres dbname=postgres sslmode=" + sslmode, "-c", sql).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PGPASSWORD", PASSWORD);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "psql did not finish");
        assertEquals(0, p.exitValue(), "psql sslmode=" + sslmode + ": " + out);
    }

    /** check's text with its wrapped lines (80 columns, summary under the connection) joined back into one. */
    private static String joined(String out) {
        return out.replaceAll("\\n {4,}", " ");
    }
}
