package analyzer.dissect.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
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
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server (Debian's postgresql) started as the postgres user in a directory of its own, on
 * 127.0.0.1 with TLS (a self-signed certificate) and the "password" method (cleartext) for TCP logins; stopped and
 * removed on close. Needs root; without postgresql installed the test is skipped, except in CI.
 */
public final class PostgresServer implements AutoCloseable {

    /** The postgres user's password. */
    public static final String PASSWORD = "hunter2-wonderland";

    private final Path dir;
    private final Path data;
    private final Path bin;
    private final int port;

    private PostgresServer(Path dir, Path bin, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.bin = bin;
        this.port = port;
    }

    /** initdb, TLS with a self-signed certificate, "password" (cleartext) for TCP logins, then start. */
    public static PostgresServer start() throws Exception {
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
        Path dir = Files.createTempDirectory("analyzer-pgsql");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer server = new PostgresServer(dir, initdb.get(0), port);
        try {
            server.initAndStart();
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void initAndStart() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, postgres);
        asPostgres(Duration.ofSeconds(120), "initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-N");
        Path[] certAndKey = PeerScripts.selfSignedCertificate(dir);
        Files.copy(certAndKey[0], data.resolve("server.crt"));
        Files.copy(certAndKey[1], data.resolve("server.key"));
        Files.setPosixFilePermissions(data.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        Files.setOwner(data.resolve("server.crt"), postgres);
        Files.setOwner(data.resolve("server.key"), postgres);
        Files.writeString(data.resolve("postgresql.conf"), "listen_addresses = '127.0.0.1'\nport = " + port
                + "\nunix_socket_directories = '" + dir + "'\nssl = on\nssl_cert_file = 'server.crt'\n"
                + "ssl_key_file = 'server.key'\nfsync = off\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 password\n");
        asPostgres(Duration.ofSeconds(120), "pg_ctl", "-D", data.toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "100", "start");
        ExternalCommand.Result set = ExternalCommand.run(Duration.ofSeconds(60), List.of("psql", "-h", dir.toString(),
                "-p", String.valueOf(port), "-U", "postgres", "-c", "ALTER USER postgres PASSWORD '" + PASSWORD + "'"));
        assertEquals(0, set.code(), set.output());
    }

    public int port() {
        return port;
    }

    /** psql's arguments for one statement over TCP with this sslmode (disable: in clear; require: TLS). */
    public List<String> psqlCommand(String sslmode, String sql) {
        return List.of("psql", "host=127.0.0.1 port=" + port + " user=postgres dbname=postgres sslmode=" + sslmode,
                "-c", sql);
    }

    /** Runs psql with the password, no terminal; asserts it succeeded. */
    public void psql(String sslmode, String sql) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(psqlCommand(sslmode, sql)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PGPASSWORD", PASSWORD);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "psql did not finish");
        assertEquals(0, p.exitValue(), "psql sslmode=" + sslmode + ": " + out);
    }

    private void asPostgres(Duration timeout, String tool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", bin.resolve(tool).toString()));
        command.addAll(List.of(args));
        ExternalCommand.Result r = ExternalCommand.run(timeout, command);
        assertEquals(0, r.code(), String.join(" ", command) + ": " + r.output());
    }

    @Override
    public void close() throws Exception {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                asPostgres(Duration.ofSeconds(60), "pg_ctl", "-D", data.toString(), "-m", "immediate", "stop");
            }
        } finally {
            ExternalCommand.run(Duration.ofSeconds(30), List.of("rm", "-rf", dir.toString()));
        }
    }
}
