package analyzer.cli;

import analyzer.capture.CaptureCanary;
import analyzer.capture.CaptureException;
import analyzer.capture.FilePacketSource;
import analyzer.capture.Interfaces;
import analyzer.capture.LiveCaptureOptions;
import analyzer.capture.LivePacketSource;
import analyzer.capture.PortFilter;
import analyzer.check.CheckJsonReport;
import analyzer.check.CheckReport;
import analyzer.check.CheckTextReport;
import analyzer.check.JUnitReport;
import analyzer.check.LiveWindow;
import analyzer.check.MarkdownSummary;
import analyzer.check.TlsPolicy;
import analyzer.dissect.EventSink;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.probe.ProbeReport;
import analyzer.probe.ServiceProbe;
import analyzer.flow.Flow;
import analyzer.proxy.HostAndPort;
import analyzer.report.EncryptionVerdict;
import analyzer.report.SummaryLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Does this service really encrypt its traffic? A verdict, connection by connection.",
            "Judges live traffic, a capture, or the traffic of a test command: each connection readable, or TLS.",
            "Exit 0 ENCRYPTED · 1 NOT ENCRYPTED, NOT VERIFIED or WEAK TLS · 2 usage error",
            "· 3 nothing to judge (a check cannot pass empty) · 4 the command failed."},
        footer = {"", "Examples:",
            "  analyzer check --port 8443 -- ./integration-tests.sh   # while the tests run",
            "  analyzer check --port 5683 --duration 20 --secret 'fluffy tail'",
            "  analyzer check --read captures/https-secret.pcap",
            "  analyzer check --port 8443 --probe localhost:8443 --cacert ca.pem \\",
            "      --policy intermediate",
            "  analyzer check --read https.pcap --keylog keys.log   # what TLS hides is listed",
            "                                                      # as found inside TLS",
            "",
            "Ready: the stderr line 'Checking … — ready' (and --ready-file), once the",
            "capture provably receives packets."})
public final class CheckCommand implements Callable<Integer> {

    /** Body bytes kept per message for the secret search, whatever --max-body shows. */
    static final int SEARCHED_BODY_BYTES = 256 * 1024;
    static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);

    /** What a live check watches. */
    enum Watch { all, ports }

    @Mixin
    CaptureTarget target;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = Durations.class,
            description = "How long to watch live traffic (default: 30 s; with a command: until it exits, and"
                    + " TIME stops it if it runs longer). Ctrl-C or SIGTERM ends early.")
    Duration duration;

    @Option(names = {"-r", "--read"}, paramLabel = "FILE", description = "Judge a pcap or pcapng file instead.")
    Path read;

    @Option(names = "--watch", paramLabel = "all|ports",
            description = "all: all TCP and UDP on the interface, --port naming the service's ports (default"
                    + " with a command: side channels are caught); ports: only --port/--filter (default without).")
    Watch watch;

    @Option(names = "--ignore-port", split = ",", paramLabel = "PORT",
            description = "A port whose traffic is not judged (a local database in clear, say); repeatable.")
    List<Integer> ignoredPorts = new ArrayList<>();

    @Option(names = "--grace", paramLabel = "TIME", converter = Durations.class, defaultValue = "1s",
            description = "After the command exits, keep capturing this long for late packets (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Create FILE once the capture is ready (removed when the check ends), for scripts that"
                    + " start the check in the background.")
    Path readyFile;

    @Option(names = {"-s", "--secret"}, paramLabel = "TEXT",
            description = "Text that must never appear in clear (searched in every reassembled byte and every decoded"
                    + " view: de-chunked, decompressed, URL-, base64- and JSON-decoded); repeatable.")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "modern|intermediate|old",
            description = "Fail TLS outside Mozilla's Server Side TLS guidelines (5.7): versions, cipher suites,"
                    + " certificates. Without it, weak TLS is only warned about.")
    String policy;

    @Option(names = "--probe", paramLabel = "HOST:PORT",
            description = "Also connect to the service: does it refuse plaintext HTTP, which TLS versions and"
                    + " suites does it accept, does its certificate verify?")
    String probe;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "With --probe: verify the certificate against this CA only (default: the JDK's trust store).")
    Path cacert;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Also write the verdict as JUnit XML (one test case per connection, finding and probe"
                    + " answer) for Jenkins, GitLab and GitHub test reporters.")
    Path junit;

    @Option(names = "--show", description = "Also print every event, as 'capture' does.")
    boolean show;

    @Mixin
    OutputOptions output;

    @Mixin
    TlsKeyOptions tlsKeys;

    @Mixin
    WebOptions web;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "After --: a command to run while watching (its exit ends the check).")
    List<String> command = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        output.validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TlsPolicy tlsPolicy = validate();
        boolean live = target.given() || !command.isEmpty();
        HostAndPort probeTarget = probe == null ? null : HostPort.parse("--probe", probe);

        Scope scope = live ? scope() : null;
        boolean judgedTraffic = read != null || live;
        try (WebSession page = judgedTraffic ? WebSession.startIf(web, "check · " + (read != null ? read
                : scope.description), secrets, output.showSecrets, spec) : null) {
            CheckReport report = judge(tlsPolicy, probeTarget, scope, page, out, err);
            if (page != null) {
                page.linger(report.verdict().label() + " · " + report.inputs().source(), switch (report.verdict()) {
                    case ENCRYPTED -> "good";
                    case NOTHING -> "warn";
                    default -> "bad";
                }, err);
            }
            return report.exitCode();
        }
    }

    private CheckReport judge(TlsPolicy tlsPolicy, HostAndPort probeTarget, Scope scope, WebSession page,
                              PrintWriter out, PrintWriter err) {
        EncryptionVerdict traffic = null;
        String source = null;
        LiveWindow.End window = null;
        long packets = 0;
        // One moment for every certificate, judged as a connection ends or in the report.
        Instant now = Instant.now();
        if (read != null || scope != null) {
            traffic = new EncryptionVerdict(secrets, output.showSecrets, CheckReport.failsPolicy(tlsPolicy, now));
            SniffPipeline pipeline;
            if (read != null) {
                pipeline = judgeFile(traffic, page, out, err);
                source = read.toString();
            } else {
                Watched watched = judgeLive(traffic, scope, page, out, err);
                pipeline = watched.pipeline;
                source = watched.description;
                window = watched.end;
            }
            packets = pipeline.sniffer().packets();
        }
        ProbeReport probeReport = null;
        String probeError = null;
        if (probeTarget != null) {
            // After the capture, so the probe's own plaintext request is not judged as the service's traffic.
            try {
                probeReport = new ServiceProbe(probeTarget.host(), probeTarget.port(), 3000).run(cacert);
            } catch (IOException e) {
                probeError = "cannot connect to " + probeTarget + ": " + (e.getMessage() == null ? e : e.getMessage());
            }
        }
        CheckReport report = CheckReport.of(new CheckReport.Inputs(source, traffic, probeReport,
                probeTarget == null ? null : probeTarget.toString(), probeError, tlsPolicy,
                new LinkedHashSet<>(target.ports), window, packets, now));
        List<String> written = new ArrayList<>();
        if (junit != null) {
            try {
                JUnitReport.write(report, junit);
                written.add(junit.toString());
            } catch (IOException e) {
                err.println("analyzer: cannot write --junit " + junit + ": " + e.getMessage());
            }
        }
        appendStepSummary(report, err);
        out.print(output.format == OutputOptions.Format.json ? CheckJsonReport.render(report)
                : CheckTextReport.render(report, output.style(), written, CheckTextReport.width(output.width())));
        out.flush();
        return report;
    }

    /** On GitHub Actions, the verdict also goes to the run's summary page. */
    private static void appendStepSummary(CheckReport report, PrintWriter err) {
        String summary = WorkshopEnvironment.get(WorkshopEnvironment.GITHUB_STEP_SUMMARY);
        if (summary == null) {
            return;
        }
        try {
            Files.writeString(Path.of(summary), MarkdownSummary.render(report), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            err.println("note: cannot append to $GITHUB_STEP_SUMMARY (" + summary + "): " + e.getMessage());
        }
    }

    private TlsPolicy validate() {
        for (String s : secrets) {
            if (s.isEmpty()) {
                throw new UserError("--secret is empty; give the text that must not appear in clear");
            }
        }
        boolean live = target.given() || !command.isEmpty();
        if (read != null && live) {
            throw new UserError(command.isEmpty() ? "give either --read FILE or --port/--filter (live), not both"
                    : "--read judges a file; a command needs a live capture");
        }
        if (read == null && !live && probe == null) {
            throw new UserError("nothing to check: give --port PORT (live), --read FILE, --probe HOST:PORT or a"
                    + " command after --", "Try 'analyzer check --help'.");
        }
        if (!command.isEmpty() && !spec.commandLine().getParseResult().originalArgs().contains("--")) {
            throw new UserError("unexpected argument '" + command.get(0) + "'",
                    "To run a command while checking, put it after --: analyzer check --port 8443 -- " + command.get(0));
        }
        if (cacert != null && probe == null) {
            throw new UserError("--cacert is used by --probe; add --probe HOST:PORT");
        }
        if (cacert != null && !Files.isReadable(cacert)) {
            throw new UserError("cannot read --cacert " + cacert);
        }
        for (int p : ignoredPorts) {
            HostPort.requirePort("--ignore-port", p, 1);
        }
        if (watch == Watch.ports && !target.given()) {
            throw new UserError("--watch ports needs --port PORT or --filter BPF");
        }
        if (read != null && (watch != null || !ignoredPorts.isEmpty() || readyFile != null)) {
            throw new UserError("--watch, --ignore-port and --ready-file are for live checks, not --read");
        }
        if (web.enabled() && read == null && !live) {
            throw new UserError("--web shows the traffic being judged: add --port PORT (live), --read FILE or a"
                    + " command after --");
        }
        if (junit != null) {
            Path parent = junit.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)
                    || Files.isDirectory(junit)) {
                throw new UserError("cannot write --junit " + junit + ": its directory does not exist or is not"
                        + " writable");
            }
        }
        if (policy == null) {
            return null;
        }
        TlsPolicy p = TlsPolicy.named(policy);
        if (p == null) {
            throw new UserError("--policy must be modern, intermediate or old, not '" + policy + "'",
                    "They are Mozilla's Server Side TLS configurations: https://wiki.mozilla.org/Security/Server_Side_TLS");
        }
        return p;
    }

    /** The verdict's pipeline; the page, if any, sees the same events. */
    private SniffPipeline pipeline(int linkType, EncryptionVerdict traffic, EventSink page, PrintWriter out,
                                   KeyMaterial keys) {
        OutputOptions searching = output.withMaxBody(Math.max(output.maxBody, SEARCHED_BODY_BYTES));
        return new SniffPipeline(linkType, searching, show, out, false, EventSink.both(traffic, page),
                traffic::wrap, keys);
    }

    private SniffPipeline judgeFile(EncryptionVerdict traffic, WebSession page, PrintWriter out, PrintWriter err) {
        try (KeyMaterial keys = tlsKeys.load(false, err);
             FilePacketSource source = FilePacketSource.open(read)) {
            source.onSecrets(text -> keys.addEmbedded(text, read + " (keys embedded in the capture)"));
            SniffPipeline pipeline = pipeline(source.linkType(), traffic,
                    page == null ? null : page.feed("wire", "file " + read, false), out, keys);
            CaptureException failure = pipeline.readAll(source);
            if (pipeline.trackingNote() != null) {
                spec.commandLine().getErr().println(pipeline.trackingNote());
            }
            if (failure != null) {
                // Judging half a file would be a guess: say what broke instead of a verdict.
                throw Errors.of(failure);
            }
            return pipeline;
        } catch (CaptureException e) {
            throw Errors.of(e);
        }
    }

    private record Watched(SniffPipeline pipeline, String description, LiveWindow.End end) {
    }

    /** What a live check captures (a BPF filter) and how the report names it. */
    private record Scope(String bpf, String description) {
    }

    private Scope scope() {
        Watch scope = watch != null ? watch : command.isEmpty() ? Watch.ports : Watch.all;
        if (scope == Watch.ports && !target.given()) {
            throw new UserError("nothing to watch: give --port PORT or --filter BPF (or --watch all)");
        }
        String bpf = scope == Watch.ports ? target.bpf() : target.filter != null ? target.filter : "tcp or udp";
        if (!ignoredPorts.isEmpty()) {
            bpf = "(" + bpf + ") and not (" + PortFilter.of(ignoredPorts, Flow.Transport.TCP, Flow.Transport.UDP) + ")";
        }
        return new Scope(bpf, describeScope(scope, bpf));
    }

    private Watched judgeLive(EncryptionVerdict traffic, Scope scope, WebSession page, PrintWriter out,
                              PrintWriter err) {
        String bpf = scope.bpf;
        String description = scope.description;
        Duration limit = duration != null ? duration : command.isEmpty() ? DEFAULT_WINDOW : null;
        CaptureCanary canary = watchesLoopback() ? new CaptureCanary() : null;
        try (canary; KeyMaterial keys = tlsKeys.load(true, err);
             LivePacketSource source = LivePacketSource.open(new LiveCaptureOptions(target.interfaceName,
                canary == null ? bpf : canary.widen(bpf), LiveCaptureOptions.DEFAULT_SNAPLEN,
                LiveCaptureOptions.DEFAULT_BUFFER))) {
            SniffPipeline pipeline = pipeline(source.linkType(), traffic, page == null ? null
                    : page.feed("wire", "wire · " + source.interfaceName() + " (" + description + ")", true), out, keys);
            LiveWindow window = new LiveWindow(source, canary, pipeline.handler(), LiveRun.BACKLOG_BYTES);
            InterruptHandler interrupt = InterruptHandler.install(window::requestStop);
            LiveWindow.End end;
            try {
                window.start();
                String ready = "Checking " + source.interfaceName() + " (" + description + ")"
                        + (command.isEmpty() ? " for " + SummaryLine.duration(limit) : "") + " — ready"
                        + (command.isEmpty() ? "; use the service now, Ctrl-C ends early" : "");
                err.println(ready);
                err.flush();
                writeReadyFile(ready);
                end = window.run(limit, command, grace);
            } finally {
                interrupt.uninstall();
                removeReadyFile();
            }
            if (end.command() != null && end.command().error() != null) {
                throw new UserError("cannot run " + String.join(" ", command) + ": " + end.command().error());
            }
            pipeline.finish();
            if (pipeline.trackingNote() != null) {
                err.println(pipeline.trackingNote());
            }
            long kernel = source.stats().droppedByKernel();
            if (kernel + end.droppedByBacklog() > 0) {
                err.println("note: " + (kernel + end.droppedByBacklog())
                        + " packets were dropped; the verdict covers what was seen");
            }
            return new Watched(pipeline, source.interfaceName() + ", " + description, end);
        } catch (CaptureException e) {
            throw Errors.of(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while starting the capture");
        }
    }

    /** "all TCP; service port 8443", "tcp port 8443", "all TCP, not port 5432" */
    private String describeScope(Watch scope, String bpf) {
        if (scope == Watch.ports || target.filter != null) {
            return bpf;
        }
        StringBuilder sb = new StringBuilder("all TCP and UDP");
        if (!ignoredPorts.isEmpty()) {
            sb.append(" but port").append(ignoredPorts.size() > 1 ? "s " : " ").append(join(ignoredPorts));
        }
        if (!target.ports.isEmpty()) {
            sb.append("; service port").append(target.ports.size() > 1 ? "s " : " ").append(join(target.ports));
        }
        return sb.toString();
    }

    private static String join(List<Integer> ports) {
        StringBuilder sb = new StringBuilder();
        for (int p : ports) {
            sb.append(sb.length() > 0 ? ", " : "").append(p);
        }
        return sb.toString();
    }

    private boolean watchesLoopback() {
        if (target.interfaceName == null) {
            return true;
        }
        try {
            return target.interfaceName.equals(Interfaces.loopbackName());
        } catch (CaptureException e) {
            return false;
        }
    }

    private void writeReadyFile(String line) {
        if (readyFile == null) {
            return;
        }
        try {
            Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
            Files.writeString(tmp, line + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserError("cannot write --ready-file " + readyFile + ": " + e.getMessage());
        }
    }

    private void removeReadyFile() {
        if (readyFile != null) {
            try {
                Files.deleteIfExists(readyFile);
            } catch (IOException e) {
                // Left behind: a script reading it next time sees a stale file, which the next run replaces.
            }
        }
    }
}
