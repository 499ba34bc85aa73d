package analyzer.cli;

import analyzer.dissect.DissectorOptions;
import analyzer.pki.ForgedCertificateAuthority;
import analyzer.pki.PkiException;
import analyzer.pki.TlsKeyLog;
import analyzer.proxy.BodyReplacement;
import analyzer.proxy.HeaderRule;
import analyzer.proxy.HostAndPort;
import analyzer.proxy.InterceptingProxy;
import analyzer.proxy.IoTransport;
import analyzer.proxy.ProxyConfig;
import analyzer.proxy.ProxyException;
import analyzer.proxy.ProxyListener;
import analyzer.proxy.TamperRules;
import analyzer.proxy.TlsMode;
import analyzer.proxy.UdpRelay;
import analyzer.proxy.UpstreamTrust;
import analyzer.report.ProxyJsonPrinter;
import analyzer.report.ProxyTally;
import analyzer.report.ProxyTextPrinter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "proxy", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The attacker in the middle: relays between clients and a server, shows what it reads.",
            "It rewrites what you tell it to. Over HTTP every attack works; over",
            "HTTPS it can only relay the encrypted records (passthrough) or present a forged",
            "certificate (intercept), which a client that pins its CA rejects.",
            "Runs until Ctrl-C or --duration."},
        footer = {"", "Examples:",
            "  analyzer proxy --listen 127.0.0.1:8080 --upstream 127.0.0.1:5683",
            "  analyzer proxy --upstream 127.0.0.1:5683 --replace 'fluffy tail=>squirrel party'",
            "  analyzer proxy --listen 127.0.0.1:8443 --upstream localhost:5683 --tls intercept --upstream-insecure",
            "  analyzer proxy --listen 127.0.0.1:8080          # forward proxy: curl -x http://127.0.0.1:8080 …",
            "  analyzer proxy --udp -l 127.0.0.1:5353 -u 127.0.0.1:53   # DNS, QUIC"})
public final class ProxyCommand implements Callable<Integer> {

    @Option(names = {"-l", "--listen"}, defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Where clients connect (default: ${DEFAULT-VALUE}); 0.0.0.0 only when you mean it.")
    String listen;

    @Option(names = {"-u", "--upstream"}, paramLabel = "HOST:PORT",
            description = "Reverse proxy: relay every connection to this server. Without it, a forward proxy:"
                    + " clients say where (absolute-form HTTP requests, CONNECT).")
    String upstream;

    @Option(names = "--udp",
            description = "Relay UDP datagrams instead of TCP connections (DNS, QUIC, …): reverse only (with"
                    + " --upstream); each client through a socket of its own, forgotten after --idle-timeout.")
    boolean udp;

    @Option(names = "--tls", defaultValue = "passthrough", paramLabel = "passthrough|intercept",
            description = "Clients speaking TLS: relay the encrypted records untouched, or intercept them with a"
                    + " forged certificate (default: ${DEFAULT-VALUE}).")
    TlsMode tls;

    @Option(names = "--mitm-ca", paramLabel = "DIR",
            description = "Where the proxy's own CA lives (made on first use; default: ~/.analyzer/mitm-ca).")
    Path mitmCa;

    @Option(names = "--upstream-cacert", paramLabel = "FILE",
            description = "Intercept: trust only this CA (PEM) for the upstream's certificate.")
    Path upstreamCacert;

    @Option(names = "--upstream-insecure", description = "Intercept: do not verify the upstream's certificate.")
    boolean upstreamInsecure;

    @Option(names = "--replace", paramLabel = "FIND=>REPLACEMENT",
            description = "Rewrite response bodies (gzip/deflate decoded first); repeatable.")
    List<String> replace = new ArrayList<>();

    @Option(names = "--replace-request", paramLabel = "FIND=>REPLACEMENT",
            description = "Rewrite request bodies; repeatable.")
    List<String> replaceRequest = new ArrayList<>();

    @Option(names = "--set-header", paramLabel = "NAME:VALUE", description = "Set a response header; repeatable.")
    List<String> setHeader = new ArrayList<>();

    @Option(names = "--drop-header", paramLabel = "NAME", description = "Remove a response header; repeatable.")
    List<String> dropHeader = new ArrayList<>();

    @Option(names = "--set-request-header", paramLabel = "NAME:VALUE", description = "Set a request header; repeatable.")
    List<String> setRequestHeader = new ArrayList<>();

    @Option(names = "--drop-request-header", paramLabel = "NAME", description = "Remove a request header; repeatable.")
    List<String> dropRequestHeader = new ArrayList<>();

    @Option(names = "--max-rewrite-body", defaultValue = "8388608", paramLabel = "BYTES",
            description = "Bodies larger than this are relayed unmodified, and the report says so"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxRewriteBody;

    @Option(names = "--idle-timeout", defaultValue = "60s", paramLabel = "TIME", converter = Durations.class,
            description = "Close connections silent both ways this long (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--connect-timeout", defaultValue = "10s", paramLabel = "TIME", converter = Durations.class,
            description = "How long to wait for the upstream to accept (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = Durations.class,
            description = "Stop after this long (30s, 2m); otherwise run until Ctrl-C.")
    Duration duration;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event-loop threads (default: half the processors, at least 1).")
    Integer threads;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|io_uring|epoll|nio",
            description = "How the event loops talk to the kernel: auto takes io_uring, else epoll, else NIO"
                    + " (default: ${DEFAULT-VALUE}). Name one to compare them, or to avoid io_uring.")
    IoTransport transport;

    @Option(names = {"-w", "--save"}, paramLabel = "FILE",
            description = "Also write what the proxy relayed (the plaintext, when it intercepts) as a pcap:"
                    + " synthesised TCP connections that Wireshark and 'analyzer read' open.")
    Path save;

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "Intercept: append the TLS session keys of both legs (client ↔ proxy, proxy ↔ upstream) to"
                    + " FILE (NSS key log format, for Wireshark, tshark, 'analyzer read --keylog'); default: $"
                    + TlsKeyLog.VARIABLE + " when set. Uses Netty's OpenSSL engine instead of the JDK's TLS.")
    Path keyLog;

    @Option(names = "--brief", description = "One EAVESDROP line per exchange instead of each message in full.")
    boolean brief;

    @Mixin
    OutputOptions output;

    @Mixin
    WebOptions web;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        output.validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = Main.fitted(spec, spec.commandLine().getErr());
        if (udp) {
            return relayDatagrams(out, err);
        }
        ProxyConfig config = config(err);
        ProxyTally tally = new ProxyTally();
        ProxyListener printer = printer(out);
        CountDownLatch stop = new CountDownLatch(1);
        try (WebSession page = WebSession.startIf(web, "proxy", List.of(), output.showSecrets, spec)) {
            ProxyListener listener = ProxyListener.both(tally, printer);
            if (page != null) {
                listener = ProxyListener.both(listener, page.feed("proxy", "proxy", true));
            }
            InterruptHandler interrupt = InterruptHandler.install(stop::countDown);
            try (TlsKeyLog keys = config.keyLog();
                 InterceptingProxy proxy = InterceptingProxy.start(config, listener)) {
                err.println(proxy.banner(mitmCaCertificate()));
                err.flush();
                if (page != null) {
                    page.view().title(pageTitle(proxy.banner(mitmCaCertificate())));
                }
                awaitStop(stop, printer);
            } catch (ProxyException e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage(), e.hint(), e);
            } finally {
                interrupt.uninstall();
            }
            ended(printer, err, page, tally.summary(), config.save() == null ? List.of()
                    : List.of("written: " + config.save() + " (open it in Wireshark, or: analyzer read "
                            + config.save() + ")"));
        }
        return ExitCodes.OK;
    }

    /** Options that shape TCP connections, TLS or HTTP messages: none of them applies to datagrams. */
    private static final List<String> TCP_ONLY = List.of("--tls", "--mitm-ca", "--upstream-cacert",
            "--upstream-insecure", "--replace", "--replace-request", "--set-header", "--drop-header",
            "--set-request-header", "--drop-request-header", "--max-rewrite-body", "--connect-timeout", "--threads",
            "--transport", "--save", "--keylog");

    /** --udp: the datagram relay, printed as the TCP proxy prints what it relays. */
    private int relayDatagrams(PrintWriter out, PrintWriter err) {
        if (upstream == null) {
            throw new UserError("--udp needs --upstream HOST:PORT: datagrams carry no destination a forward proxy"
                    + " could read", "e.g. analyzer proxy --udp --listen 127.0.0.1:5353 --upstream 127.0.0.1:53");
        }
        for (String option : TCP_ONLY) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new UserError(option + " applies to TCP connections, not to --udp");
            }
        }
        ProxyConfig config = ProxyConfig.reverse(listenAddress(err), HostPort.parse("--upstream", upstream))
                .withTimeouts(idleTimeout, connectTimeout)
                .withDissector(new DissectorOptions(output.maxBody, DissectorOptions.defaults().maxRawPreview()));
        ProxyListener printer = printer(out);
        CountDownLatch stop = new CountDownLatch(1);
        try (WebSession page = WebSession.startIf(web, "proxy", List.of(), output.showSecrets, spec)) {
            ProxyListener listener = page == null ? printer
                    : ProxyListener.both(printer, page.feed("proxy", "proxy", true));
            InterruptHandler interrupt = InterruptHandler.install(stop::countDown);
            String summary;
            try (UdpRelay relay = UdpRelay.start(config, listener)) {
                err.println(relay.banner());
                err.flush();
                if (page != null) {
                    page.view().title(pageTitle(relay.banner()));
                }
                awaitStop(stop, printer);
                relay.close();
                summary = relay.summary();
            } catch (ProxyException e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage(), e.hint(), e);
            } finally {
                interrupt.uninstall();
            }
            ended(printer, err, page, summary, List.of());
        }
        return ExitCodes.OK;
    }

    private ProxyListener printer(PrintWriter out) {
        return output.format == OutputOptions.Format.json
                ? new ProxyJsonPrinter(out, output.showSecrets)
                : new ProxyTextPrinter(out, output.style(), output.hex, brief, output.width(), output.showSecrets);
    }

    /** Until Ctrl-C or --duration, flushing the printer's output now and then. */
    /** The banner's first line without its Ctrl-C hint: the page's title. */
    private static String pageTitle(String banner) {
        return banner.lines().findFirst().orElse("proxy").replace(" — Ctrl-C to stop", "");
    }

    /** The closing lines of either relay: what was printed flushed, the summary, then the page's last word. */
    private static void ended(ProxyListener printer, PrintWriter err, WebSession page, String summary,
            List<String> more) {
        printer.flush();
        err.println();
        err.println(summary);
        more.forEach(err::println);
        err.flush();
        if (page != null) {
            page.linger("proxy stopped · " + summary, "info", err);
        }
    }

    private void awaitStop(CountDownLatch stop, ProxyListener printer) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "proxy-output");
            t.setDaemon(true);
            return t;
        });
        try {
            timer.scheduleWithFixedDelay(printer::flush, 200, 200, TimeUnit.MILLISECONDS);
            if (duration != null) {
                stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                stop.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
        }
    }

    private ProxyConfig config(PrintWriter err) {
        InetSocketAddress listenAddress = listenAddress(err);
        ProxyConfig config;
        if (upstream != null) {
            config = ProxyConfig.reverse(listenAddress, HostPort.parse("--upstream", upstream));
        } else {
            config = ProxyConfig.forward(listenAddress);
        }
        if (tls == TlsMode.INTERCEPT) {
            if (upstreamInsecure && upstreamCacert != null) {
                throw new UserError("--upstream-insecure and --upstream-cacert contradict each other; choose one");
            }
            UpstreamTrust trust = upstreamInsecure ? UpstreamTrust.insecureTrust()
                    : upstreamCacert != null ? UpstreamTrust.pinned(upstreamCacert) : UpstreamTrust.systemDefault();
            config = config.withIntercept(mitmAuthority(), trust);
        } else if (keyLog != null) {
            throw new UserError("--keylog is for --tls intercept: in passthrough the proxy holds no TLS keys",
                    "The TLS runs between the client and the server: have one of them write the keys (SSLKEYLOGFILE,"
                            + " analyzer server --keylog).");
        } else if (upstreamInsecure || upstreamCacert != null) {
            throw new UserError("--upstream-insecure and --upstream-cacert apply to --tls intercept only",
                    "In passthrough the proxy never opens TLS itself: the client verifies the server.");
        }
        if (maxRewriteBody < 0) {
            throw new UserError("--max-rewrite-body must be 0 or more, not " + maxRewriteBody);
        }
        if (threads != null && (threads < 1 || threads > 256)) {
            throw new UserError("--threads must be between 1 and 256, not " + threads);
        }
        if (tls == TlsMode.INTERCEPT) {
            config = config.withKeyLog(TlsKeyLogs.open(keyLog, err));
        }
        return config.withRules(rules()).withMaxRewriteBody(maxRewriteBody)
                .withIoThreads(threads != null ? threads : ProxyConfig.defaultIoThreads())
                .withTransport(transport)
                .withSave(save == null ? null : CaptureCommand.PcapFiles.resolve(save, ".pcap"))
                .withTimeouts(idleTimeout, connectTimeout)
                .withDissector(new DissectorOptions(output.maxBody, DissectorOptions.defaults().maxRawPreview()));
    }

    private InetSocketAddress listenAddress(PrintWriter err) {
        HostAndPort l = HostPort.parseListen("--listen", listen);
        InetAddress address;
        try {
            address = InetAddress.getByName(l.host());
        } catch (UnknownHostException e) {
            throw new UserError("--listen: cannot resolve " + l.host(), "Use an address such as 127.0.0.1.");
        }
        if (!address.isLoopbackAddress()) {
            err.println("analyzer: warning: listening on " + l + ", reachable from other machines;"
                    + " anyone who can connect can use this proxy");
        }
        return new InetSocketAddress(address, l.port());
    }

    private Path mitmCaDirectory() {
        return mitmCa != null ? mitmCa : Path.of(System.getProperty("user.home"), ".analyzer", "mitm-ca");
    }

    /** The file clients must trust to be fooled by an intercepting proxy. */
    private Path mitmCaCertificate() {
        return mitmCaDirectory().resolve(ForgedCertificateAuthority.CERTIFICATE_FILE);
    }

    private ForgedCertificateAuthority mitmAuthority() {
        Path dir = mitmCaDirectory();
        try {
            return ForgedCertificateAuthority.loadOrCreate(dir);
        } catch (PkiException e) {
            throw new UserError(ExitCodes.USAGE, "--mitm-ca: " + e.getMessage(),
                    "Give a directory the proxy may create and write (--mitm-ca DIR).", e);
        }
    }

    private TamperRules rules() {
        return new TamperRules(each(replace, "--replace", BodyReplacement::parse),
                headerRules(setHeader, dropHeader, "--set-header"),
                each(replaceRequest, "--replace-request", BodyReplacement::parse),
                headerRules(setRequestHeader, dropRequestHeader, "--set-request-header"));
    }

    private static List<HeaderRule> headerRules(List<String> set, List<String> drop, String option) {
        List<HeaderRule> rules = new ArrayList<>(each(set, option, HeaderRule::parseSet));
        rules.addAll(each(drop, option.replace("set", "drop"), HeaderRule::drop));
        return rules;
    }

    private static <T> List<T> each(List<String> values, String option, Function<String, T> parse) {
        List<T> parsed = new ArrayList<>();
        for (String v : values) {
            try {
                parsed.add(parse.apply(v));
            } catch (IllegalArgumentException e) {
                throw new UserError(option + ": " + e.getMessage());
            }
        }
        return parsed;
    }


}
