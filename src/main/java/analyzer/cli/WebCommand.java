package analyzer.cli;

import analyzer.capture.CaptureException;
import analyzer.capture.FilePacketSource;
import analyzer.capture.LiveCaptureOptions;
import analyzer.capture.LivePacketSource;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.report.SummaryLine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "web", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"A live page for the projector: the flows on the wire as they happen.",
            "What each one shows (headers, body, hex, TLS handshake) and the evidence behind its flags. Captures loopback like"
                + " 'capture' (--port, --filter, --interface), or shows a pcap file (--read).",
            "Prints the page's URL with a one-time token; the page is served on 127.0.0.1 unless --web-listen says"
                + " otherwise. The other commands show their run on the same page with --web: demo, capture, read,"
                + " check, proxy."},
        footer = {"", "Examples:",
            "  sudo analyzer web --port 5683 --open",
            "  analyzer web --read captures/demo-http.pcapng --secret 'fluffy tail'",
            "  sudo analyzer demo --web --open"})
public final class WebCommand implements Callable<Integer> {

    @Mixin
    CaptureTarget target;

    @Option(names = {"-r", "--read"}, paramLabel = "FILE", description = "Show a pcap or pcapng file instead.")
    Path read;

    @Option(names = {"-s", "--secret"}, paramLabel = "TEXT",
            description = "Flag the flows where this text shows in clear (repeatable).")
    List<String> secrets = new ArrayList<>();

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = Durations.class,
            description = "Stop capturing after this long (30s, 2m); otherwise at Ctrl-C.")
    Duration duration;

    @Option(names = "--max-body", defaultValue = "4096", paramLabel = "BYTES",
            description = "Body bytes kept of each HTTP message (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(names = "--show-secrets", description = "Show the passwords and tokens found in full; by default only"
            + " their first characters (hun…).")
    boolean showSecrets;

    @Mixin
    TlsKeyOptions tlsKeys;

    @Mixin
    WebPageOptions page;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (read != null && target.given()) {
            throw new UserError("give either --read FILE or --port/--filter (live), not both");
        }
        for (String s : secrets) {
            if (s.isEmpty()) {
                throw new UserError("--secret is empty; give the text to look for");
            }
        }
        OutputOptions output = new OutputOptions();
        output.maxBody = maxBody;
        output.showSecrets = showSecrets;
        output.validate();
        String bpf = read == null ? target.bpf() : null;
        try (KeyMaterial keys = tlsKeys.load(read == null, err);
             WebSession session = WebSession.start(page, read != null ? "read · " + read : "capture · " + bpf,
                secrets, showSecrets, spec)) {
            String summary = read != null ? showFile(session, output, out, keys)
                    : showLive(session, output, out, err, bpf, keys);
            session.linger(summary, "info", err);
        }
        return ExitCodes.OK;
    }

    private String showFile(WebSession session, OutputOptions output, PrintWriter out, KeyMaterial keys) {
        try (FilePacketSource source = FilePacketSource.open(read)) {
            source.onSecrets(text -> keys.addEmbedded(text, read + " (keys embedded in the capture)"));
            SniffPipeline pipeline = new SniffPipeline(source.linkType(), output, false, out, false,
                    session.feed("wire", "file " + read, false), UnaryOperator.identity(), keys);
            CaptureException failure = pipeline.readAll(source);
            if (failure != null) {
                throw Errors.of(failure);
            }
            return read + " · " + pipeline.summary();
        } catch (CaptureException e) {
            throw Errors.of(e);
        }
    }

    private String showLive(WebSession session, OutputOptions output, PrintWriter out, PrintWriter err, String bpf,
                            KeyMaterial keys) {
        try (LivePacketSource source = LivePacketSource.open(
                new LiveCaptureOptions(target.interfaceName, bpf, 262144, 32 * 1024 * 1024))) {
            String where = source.interfaceName() + " (" + bpf + ")";
            session.view().title("capture · " + where);
            SniffPipeline pipeline = new SniffPipeline(source.linkType(), output, false, out, false,
                    session.feed("wire", "wire · " + where, true), UnaryOperator.identity(), keys);
            err.println("Capturing on " + where + (duration != null ? ", for " + SummaryLine.duration(duration) : "")
                    + " — Ctrl-C to stop");
            err.flush();
            long dropped = LiveRun.run(source, pipeline.handler(), null, duration, null);
            pipeline.finish();
            long kernel = source.stats().droppedByKernel();
            String summary = "capture ended · " + pipeline.summary() + " · " + kernel + " dropped by the kernel"
                    + (dropped > 0 ? ", " + dropped + " by analyzer" : "");
            err.println(summary);
            return summary;
        } catch (CaptureException e) {
            throw Errors.of(e);
        }
    }
}
