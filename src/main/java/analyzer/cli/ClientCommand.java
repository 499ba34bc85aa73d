package analyzer.cli;

import analyzer.dissect.HttpHeader;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import analyzer.pki.TlsKeyLog;
import analyzer.workshop.CertificateNames;
import analyzer.workshop.ClientFailure;
import analyzer.workshop.ClientRequest;
import analyzer.workshop.ClientResponse;
import analyzer.workshop.Fernet;
import analyzer.workshop.SecretClient;
import analyzer.workshop.SecretClientConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "client", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Fetch the secret: GET the URL, print \"The secret message is: …\".",
            "Over HTTPS the server's certificate must come from a CA in the JDK's trust store, or, with --cacert,"
                + " from that CA only: a self-made CA is in no store, so pin it. --insecure checks nothing."},
        footer = {"", "Examples:",
            "  analyzer client http://127.0.0.1:5683/",
            "  SECRET_URL=http://127.0.0.1:5683 analyzer client",
            "  analyzer client --fernet-key \"$SECRET_KEY\" http://127.0.0.1:5683/",
            "  analyzer client --cacert ca/ca-public-key.pem https://localhost:5683/",
            "  analyzer client -d 'username=alice&password=wonderland' http://127.0.0.1:5683/login",
            "  analyzer client --cookie 'session=…' http://127.0.0.1:5683/members",
            "", "Exit 0 the answer came (2xx) · 1 it did not: certificate rejected, connection",
            "failed, HTTP error status, InvalidToken · 2 usage error"})
public final class ClientCommand implements Callable<Integer> {

    private static final String URL_VARIABLE = WorkshopEnvironment.SECRET_URL;
    private static final String KEY_VARIABLE = WorkshopEnvironment.SECRET_KEY;

    @Parameters(arity = "0..1", paramLabel = "URL",
            description = "What to fetch (default: $" + URL_VARIABLE + "); http:// is assumed without a scheme.")
    String url;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust only the CA certificate(s) in this PEM file, not the JDK's trust store (curl"
                    + " --cacert, requests' verify=). The hostname is checked.")
    Path cacert;

    @Option(names = {"-k", "--insecure"},
            description = "Accept any certificate for any host. Shows why pinning matters: a forged certificate"
                    + " passes.")
    boolean insecure;

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "Append the TLS session keys to FILE (NSS key log format, for Wireshark, tshark,"
                    + " 'analyzer read --keylog'); default: $" + TlsKeyLog.VARIABLE + " when set. Uses Netty's OpenSSL"
                    + " engine instead of the JDK's TLS.")
    Path keyLog;

    @Option(names = "--fernet-key", paramLabel = "KEY",
            description = "Decrypt the body, a Fernet token, with this key (default: $" + KEY_VARIABLE
                    + " when set). Make one with 'analyzer key fernet'.")
    String fernetKey;

    @Option(names = {"-d", "--data"}, paramLabel = "DATA",
            description = "Send DATA with POST, as a form (application/x-www-form-urlencoded) unless a Content-Type"
                    + " header is given.")
    String data;

    @Option(names = {"-b", "--cookie"}, paramLabel = "NAME=VALUE",
            description = "Send this cookie, e.g. a session from a login; repeatable.")
    List<String> cookies = new ArrayList<>();

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "Add a request header; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-X", "--method"}, paramLabel = "METHOD",
            description = "Request method (default: GET, or POST with --data).")
    String method;

    @Option(names = {"-i", "--show-headers"}, description = "Print the status line and response headers first.")
    boolean showHeaders;

    @Option(names = "--raw", description = "Print the body as it came, without \"The secret message is:\".")
    boolean raw;

    @Option(names = {"-m", "--timeout"}, paramLabel = "TIME", converter = Durations.class, defaultValue = "10s",
            description = "Give up after this long: connect, handshake and answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = Main.fitted(spec, spec.commandLine().getErr());
        URI target = target();
        boolean https = target.getScheme().equals("https");
        if (insecure && cacert != null) {
            throw new UserError("choose --cacert FILE (trust only that CA) or --insecure (trust anything), not both");
        }
        SecretClientConfig config = trust().withTimeout(timeout)
                .withFernetKey(WorkshopEnvironment.fernetKey(fernetKey));
        ClientRequest request = request(target);
        if (keyLog != null && !https) {
            err.println("analyzer: warning: --keylog does nothing for a plain http:// URL: there are no keys");
        }
        TlsKeyLog keys = https ? TlsKeyLogs.open(keyLog, err) : null;
        if (keys != null) {
            config = config.withKeyLog(keys);
        }
        if (insecure && https) {
            err.println("analyzer: warning: --insecure: the server's certificate is not checked; anyone on the path"
                    + " can pose as the server");
        }
        if (cacert != null && !https) {
            err.println("analyzer: warning: --cacert does nothing for a plain http:// URL: nothing is encrypted or"
                    + " verified");
        }
        err.flush();

        try (keys; SecretClient client = SecretClient.create(config)) {
            ClientResponse response = send(client, request);
            if (insecure && response.tls() != null && !response.tls().serverCertificates().isEmpty()) {
                X509Certificate leaf = response.tls().serverCertificates().get(0);
                err.println("  accepted without checking: " + CertificateNames.shortName(leaf.getSubjectX500Principal())
                        + ", issued by " + CertificateNames.shortName(leaf.getIssuerX500Principal()));
            }
            if (showHeaders) {
                out.println(response.statusLine());
                for (HttpHeader h : response.headers()) {
                    out.println(h.name() + ": " + h.value());
                }
                out.println();
            } else {
                for (String cookie : response.cookies()) {
                    err.println("cookie: " + cookie + "  (send it back with --cookie '" + cookie + "')");
                }
            }
            err.flush();
            if (!response.successful()) {
                if (showHeaders) {
                    printBody(out, response.text());
                }
                out.flush();
                ClientFailure status = ClientFailure.status(target, response);
                throw new UserError(ExitCodes.CHECK_FAILED, status.getMessage(), showHeaders ? null : status.hint(),
                        status);
            }
            String message;
            try {
                message = client.message(response);
            } catch (Fernet.InvalidTokenException e) {
                out.flush();
                throw new UserError(ExitCodes.CHECK_FAILED, "InvalidToken",
                        e.getMessage() + (fernetKey == null ? " (key from $" + KEY_VARIABLE + ")" : ""), e);
            }
            boolean secretFetch = request.method().equals("GET") && !raw && !showHeaders;
            printBody(out, secretFetch ? "The secret message is: " + message : message);
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static ClientResponse send(SecretClient client, ClientRequest request) {
        try {
            return client.send(request);
        } catch (ClientFailure f) {
            int code = f.kind() == ClientFailure.Kind.BAD_URL ? ExitCodes.USAGE : ExitCodes.CHECK_FAILED;
            throw new UserError(code, f.getMessage(), f.hint(), f);
        }
    }

    private static void printBody(PrintWriter out, String body) {
        out.print(body);
        if (!body.endsWith("\n")) {
            out.println();
        }
    }

    private URI target() {
        String given = url != null ? url : WorkshopEnvironment.get(URL_VARIABLE);
        if (given == null) {
            throw new UserError("no URL: give one, or set " + URL_VARIABLE,
                    "e.g. analyzer client http://127.0.0.1:5683/   or   export " + URL_VARIABLE
                            + "=http://127.0.0.1:5683");
        }
        String withScheme = given.contains("://") ? given : "http://" + given;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            throw new UserError("'" + given + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UserError("'" + given + "': only http:// and https:// URLs are supported");
        }
        if (uri.getHost() == null) {
            throw new UserError("'" + given + "' has no host", "e.g. http://127.0.0.1:5683/");
        }
        return uri;
    }

    private SecretClientConfig trust() {
        if (insecure) {
            return SecretClientConfig.insecure();
        }
        if (cacert == null) {
            return SecretClientConfig.system();
        }
        try {
            return SecretClientConfig.pinned(Pem.readCertificates(cacert));
        } catch (PkiException e) {
            throw new UserError("--cacert: " + e.getMessage());
        }
    }

    private ClientRequest request(URI target) {
        String verb = method != null ? method.toUpperCase(Locale.ROOT) : data != null ? "POST" : "GET";
        List<HttpHeader> fields = new ArrayList<>();
        boolean contentType = false;
        for (String h : headers) {
            int colon = h.indexOf(':');
            String name = colon <= 0 ? "" : h.substring(0, colon).trim();
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new UserError("--header wants 'NAME: VALUE', not '" + h + "'");
            }
            String value = h.substring(colon + 1).trim();
            if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new UserError("--header " + name + ": a value cannot span lines");
            }
            contentType |= name.equalsIgnoreCase("Content-Type");
            fields.add(new HttpHeader(name, value));
        }
        if (!cookies.isEmpty()) {
            for (String c : cookies) {
                int eq = c.indexOf('=');
                if (eq <= 0 || c.chars().anyMatch(ch -> ch == ';' || ch == '\r' || ch == '\n')) {
                    throw new UserError("--cookie wants NAME=VALUE, e.g. session=7f3a…, not '" + c + "'");
                }
            }
            fields.add(new HttpHeader("Cookie", String.join("; ", cookies)));
        }
        byte[] body = data == null ? null : data.getBytes(StandardCharsets.UTF_8);
        if (data != null && !contentType) {
            fields.add(new HttpHeader("Content-Type", ClientRequest.FORM));
        }
        try {
            return new ClientRequest(verb, target, fields, body);
        } catch (IllegalArgumentException e) {
            throw new UserError("--method: " + e.getMessage());
        }
    }
}
