package analyzer.cli;

import analyzer.proxy.HostAndPort;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import analyzer.pki.TlsKeyLog;
import analyzer.workshop.SecretServer;
import analyzer.workshop.SecretServerConfig;
import analyzer.workshop.ServedRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "server", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The Secret Squirrels' server: the secret over HTTP, as a Fernet token, or HTTPS.",
            "  GET /          the secret (--message), text/plain",
            "  GET /secure    whether the request came over HTTPS",
            "  POST /login    form username, password: sets a session cookie",
            "  GET /members   the member's page, only with a valid session cookie",
            "  POST /logout   ends the session",
            "Demo members: alice (password wonderland), bob (password hazelnuts).",
            "Prints its address on stdout, then one line per request on stderr."},
        footer = {"", "The key's passphrase comes from --key-passphrase-file FILE, else $"
                + PkiPassphrases.KEY_VARIABLE + ", else a prompt.",
            "", "Examples:",
            "  analyzer server",
            "  analyzer server --fernet-key \"$(analyzer key fernet)\"",
            "  analyzer server --tls --cert server/server-public-key.pem \\",
            "                  --key server/server-private-key.pem",
            "  analyzer server --listen 127.0.0.1:0 --quiet",
            "  analyzer server --tls --cert … --key … --keylog keys.log   # then: tshark -o tls.keylog_file:keys.log"})
public final class ServerCommand implements Callable<Integer> {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Address to listen on, e.g. 127.0.0.1:5683; port 0 picks a free one (instead of --host"
                    + " and --port).")
    String listen;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = SecretServerConfig.DEFAULT_HOST,
            description = "Address to bind (default: ${DEFAULT-VALUE}: only this machine can connect).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "" + SecretServerConfig.DEFAULT_PORT,
            description = "Port to listen on, 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--message", paramLabel = "TEXT", defaultValue = SecretServerConfig.DEFAULT_MESSAGE,
            description = "The secret (default: ${DEFAULT-VALUE}).")
    String message;

    @Option(names = "--tls", description = "Serve HTTPS (TLS 1.2 and 1.3) with --cert and --key.")
    boolean tls;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "The server's certificate (PEM), followed by any intermediate CA certificates; e.g."
                    + " server-public-key.pem from 'analyzer pki server-cert'.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE",
            description = "The certificate's private key (PEM, PKCS#8 encrypted or not), e.g."
                    + " server-private-key.pem.")
    Path key;

    @Option(names = "--key-passphrase-file", paramLabel = "FILE",
            description = "Read the key's passphrase from the first line of this file.")
    Path keyPassphraseFile;

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "With --tls: append the session keys of every connection to FILE (NSS key log format, for"
                    + " Wireshark, tshark, 'analyzer read --keylog'); default: $" + TlsKeyLog.VARIABLE + " when set."
                    + " Uses Netty's OpenSSL engine instead of the JDK's TLS.")
    Path keyLog;

    @Option(names = "--rsa-key-exchange",
            description = "With --tls: TLS 1.2 with RSA key exchange only (no forward secrecy), for showing that a"
                    + " stolen server key opens recorded sessions. Needs an RSA key. Never for real use.")
    boolean rsaKeyExchange;

    @Option(names = "--fernet-key", paramLabel = "KEY",
            description = "Answer GET / with the secret as a Fernet token made with this key (default: $"
                    + WorkshopEnvironment.SECRET_KEY + " when set). Make one with 'analyzer key fernet'.")
    String fernetKey;

    @Option(names = {"-q", "--quiet"}, description = "Do not log requests.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = Main.fitted(spec, spec.commandLine().getOut());
        PrintWriter err = Main.fitted(spec, spec.commandLine().getErr());
        SecretServerConfig config = config(err);
        AtomicLong served = new AtomicLong();
        SecretServer server;
        try {
            server = start(config, new RequestLog(err, quiet, served));
        } catch (UserError e) {
            closeKeyLog(config);
            throw e;
        }
        InterruptHandler interrupt = InterruptHandler.install(server::close);
        try {
            for (String line : server.banner()) {
                out.println(line);
            }
            out.flush();
            server.closeFuture().awaitUninterruptibly();
        } finally {
            server.close();
            interrupt.uninstall();
        }
        closeKeyLog(config);
        err.println("Secret server stopped after " + served.get() + (served.get() == 1 ? " request." : " requests.")
                + (config.tls() != null && config.tls().keyLog() != null ? " " + config.tls().keyLog().lines()
                + " key log lines written to " + config.tls().keyLog().file() + "." : ""));
        err.flush();
        return ExitCodes.OK;
    }

    private static void closeKeyLog(SecretServerConfig config) {
        if (config.tls() != null && config.tls().keyLog() != null) {
            config.tls().keyLog().close();
        }
    }

    private SecretServerConfig config(PrintWriter err) {
        var parsed = spec.commandLine().getParseResult();
        String bindHost = host;
        int bindPort = port;
        if (listen != null) {
            if (parsed.hasMatchedOption("--host") || parsed.hasMatchedOption("--port")) {
                throw new UserError("give --listen HOST:PORT or --host/--port, not both");
            }
            HostAndPort address = HostPort.parseListen("--listen", listen);
            bindHost = address.host();
            bindPort = address.port();
        } else {
            HostPort.requirePort("--port", port, 0);
        }
        SecretServerConfig config = SecretServerConfig.defaults().withHost(bindHost).withPort(bindPort)
                .withMessage(message);
        config = config.withFernetKey(WorkshopEnvironment.fernetKey(fernetKey));
        boolean https = tls || cert != null || key != null || keyPassphraseFile != null;
        if (!https && (keyLog != null || rsaKeyExchange)) {
            throw new UserError((keyLog != null ? "--keylog" : "--rsa-key-exchange") + " is for HTTPS: add --tls"
                    + " --cert FILE --key FILE");
        }
        if (https) {
            SecretServerConfig.TlsIdentity identity = identity();
            if (rsaKeyExchange) {
                err.println("analyzer: warning: --rsa-key-exchange: TLS 1.2 with RSA key exchange only, no forward"
                        + " secrecy — whoever gets this server's key later decrypts every recorded session");
                identity = identity.withRsaKeyExchange(true);
            }
            config = config.withTls(identity.withKeyLog(TlsKeyLogs.open(keyLog, err)));
        }
        return config;
    }

    private SecretServerConfig.TlsIdentity identity() {
        if (cert == null || key == null) {
            throw new UserError("HTTPS needs both --cert FILE and --key FILE",
                    "Make them with 'analyzer pki ca --out ca' then 'analyzer pki server-cert --ca-dir ca --out"
                            + " server'.");
        }
        char[] passphrase = PkiPassphrases.forExistingKey(key, keyPassphraseFile, PkiPassphrases.KEY_VARIABLE,
                "--key-passphrase-file");
        try {
            List<X509Certificate> chain = Pem.readCertificates(cert);
            PrivateKey privateKey = Pem.readPrivateKey(key, passphrase);
            return new SecretServerConfig.TlsIdentity(privateKey, chain);
        } catch (PkiException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage(), null, e);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    private static SecretServer start(SecretServerConfig config, SecretServer.Listener listener) {
        try {
            return SecretServer.start(config, listener);
        } catch (BindException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage(), "Something already listens there (another"
                    + " 'analyzer server'?): stop it, or choose another port (--port 0 picks a free one).", e);
        } catch (SSLException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage(), null, e);
        } catch (IOException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage(), null, e);
        }
    }

    /** One line per request on stderr: time, client, http or https, method, path, status, member. */
    private static final class RequestLog implements SecretServer.Listener {
        private final PrintWriter err;
        private final boolean quiet;
        private final AtomicLong served;

        RequestLog(PrintWriter err, boolean quiet, AtomicLong served) {
            this.err = err;
            this.quiet = quiet;
            this.served = served;
        }

        @Override
        public void request(ServedRequest r) {
            served.incrementAndGet();
            if (quiet) {
                return;
            }
            err.println(prefix(r.time(), r.client(), r.secure()) + String.format(Locale.ROOT, "%-6s %-10s %d",
                    r.method(), r.path(), r.status()) + (r.member() == null ? "" : "  " + r.member()));
            err.flush();
        }

        @Override
        public void tlsFailure(InetSocketAddress client, String reason) {
            if (quiet) {
                return;
            }
            err.println(prefix(Instant.now(), client, true) + "TLS handshake failed: " + reason);
            err.flush();
        }

        private static String prefix(Instant time, InetSocketAddress client, boolean secure) {
            String who = client == null ? "?" : client.getAddress().getHostAddress() + ":" + client.getPort();
            return String.format(Locale.ROOT, "%s  %-21s %-5s  ", CLOCK.format(LocalTime.ofInstant(time,
                    java.time.ZoneId.systemDefault())), who, secure ? "https" : "http");
        }
    }
}
