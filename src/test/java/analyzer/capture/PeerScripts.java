package analyzer.capture;

import analyzer.workshop.ExternalCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The small Python peers in src/test/resources/peers (servers and clients of the protocols we dissect). */
public final class PeerScripts {

    /** Debian's python3 where it is (CI installs it): a version manager's shim can take seconds to start. */
    public static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    private PeerScripts() {
    }

    /** The command that runs a peer script with Debian's python3 (stdlib only). */
    public static List<String> python(Path dir, String script, String... args) throws IOException {
        ExternalCommand.require(PYTHON);
        Path copy = dir.resolve(script);
        try (InputStream in = PeerScripts.class.getResourceAsStream("/peers/" + script)) {
            if (in == null) {
                throw new IllegalStateException("no peer script " + script);
            }
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, "-u", copy.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts a peer server that prints its port on its first line; returns it with the port. */
    public static Server server(Path dir, String script, String... args) throws Exception {
        ExternalCommand.Running running = ExternalCommand.start(dir, Map.of(), python(dir, script, args));
        String line = running.awaitLine("", java.time.Duration.ofSeconds(15));
        return new Server(running, Integer.parseInt(line.strip()));
    }

    /**
     * A self-signed certificate for CN=localhost and its key, made by openssl: the peers' TLS needs one, and what
     * the tests judge is the wire, not the trust.
     *
     * @return the certificate file, then the key file
     */
    public static Path[] selfSignedCertificate(Path dir) throws Exception {
        ExternalCommand.require("openssl");
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        ExternalCommand.Result made = ExternalCommand.run(java.time.Duration.ofSeconds(30), List.of("openssl", "req",
                "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-subj", "/CN=localhost", "-days", "1"));
        if (made.code() != 0) {
            throw new AssertionError("openssl could not make a certificate: " + made.output());
        }
        return new Path[] {cert, key};
    }

    /** A running peer and the port it listens on. */
    public record Server(ExternalCommand.Running process, int port) implements AutoCloseable {
        @Override
        public void close() {
            process.close();
        }
    }
}
