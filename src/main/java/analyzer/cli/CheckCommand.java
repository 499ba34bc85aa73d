package analyzer.cli;

import analyzer.proxy.HostAndPort;
import analyzer.capture.CaptureException;
import analyzer.capture.FilePacketSource;
import analyzer.capture.LiveCaptureOptions;
import analyzer.capture.LivePacketSource;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.probe.ServiceProbe;
import analyzer.report.EncryptionVerdict;
import analyzer.report.JsonWriter;
import analyzer.report.Style;
import analyzer.report.VerdictPrinter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Does this service really encrypt its traffic? A verdict on live traffic or a capture.",
            "Every connection is judged: readable on the wire, or TLS.",
            "Exit 0 ENCRYPTED (every connection with data was TLS) · 1 NOT ENCRYPTED (plaintext seen, or data",
            "that is neither TLS nor readable) · 2 usage error · 3 nothing captured (a check cannot pass empty)."},
        footer = {"", "Examples:",
            "  analyzer check --port 5683 --duration 20 --secret 'fluffy tail'",
            "  analyzer check --read captures/https-secret.pcap",
            "  analyzer check --port 8443 --probe localhost:8443 --cacert ca.pem",
            "  analyzer check --read https.pcap --keylog keys.log   # the verdict stays about the wire; what TLS",
            "                                                      # hides is listed as found inside TLS"})
public final class CheckCommand implements Callable<Integer> {

    @Mixin
    CaptureTarget target;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = Durations.class, defaultValue = "30s",
            description = "How long to watch live traffic (default: ${DEFAULT-VALUE}); Ctrl-C ends early.")
    Duration duration;

    @Option(names = {"-r", "--read"}, paramLabel = "FILE", description = "Judge a pcap or pcapng file instead.")
    Path read;

    @Option(names = {"-s", "--secret"}, paramLabel = "TEXT",
            description = "Text that must never appear in clear (searched in every reassembled byte); repeatable.")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--probe", paramLabel = "HOST:PORT",
            description = "Also connect to the service: does it answer plaintext HTTP, which TLS versions does it"
                    + " accept, does its certificate verify?")
    String probe;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "With --probe: verify the certificate against this CA only (default: the JDK's trust store).")
    Path cacert;

    @Option(names = "--show", description = "Also print every event, as 'capture' does.")
    boolean show;

    @Mixin
    OutputOptions output;

    @Mixin
    TlsKeyOptions tlsKeys;

    @Mixin
    WebOptions web;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        output.validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String s : secrets) {
            if (s.isEmpty()) {
                throw new UserError("--secret is empty; give the text that must not appear in clear");
            }
        }
        boolean live = target.given();
        if (read != null && live) {
            throw new UserError("give either --read FILE or --port/--filter (live), not both");
        }
        if (read == null && !live && probe == null) {
            throw new UserError("nothing to check: give --port PORT (live), --read FILE or --probe HOST:PORT",
                    "Try 'analyzer check --help'.");
        }
        if (cacert != null && probe == null) {
            throw new UserError("--cacert is used by --probe; add --probe HOST:PORT");
        }
        if (cacert != null && !Files.isReadable(cacert)) {
            throw new UserError("cannot read --cacert " + cacert);
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new UserError("--duration must be positive");
        }
        HostAndPort target = probe == null ? null : HostPort.parse("--probe", probe);
        if (web.enabled() && read == null && !live) {
            throw new UserError("--web shows the traffic being judged: add --port PORT (live) or --read FILE");
        }

        int code = ExitCodes.OK;
        boolean judgedTraffic = read != null || live;
        try (WebSession page = judgedTraffic ? WebSession.startIf(web, "check · " + (read != null ? read
                : this.target.bpf()), secrets, output.showSecrets, spec) : null) {
            EncryptionVerdict.Verdict judged = null;
            String source = null;
            if (judgedTraffic) {
                EncryptionVerdict verdict = new EncryptionVerdict(secrets, output.showSecrets);
                source = read != null ? judgeFile(verdict, out, err, page) : judgeLive(verdict, out, err, page);
                Style style = output.style();
                out.print(output.format == OutputOptions.Format.json ? VerdictPrinter.json(verdict, source)
                        : VerdictPrinter.text(verdict, source, style));
                judged = verdict.verdict();
                code = judged.exitCode();
            }
            if (target != null) {
                // Run after the capture so the probe's own plaintext request is not judged as the service's traffic.
                int probeCode = probe(target, out);
                if (!judgedTraffic || probeCode == ExitCodes.CHECK_FAILED) {
                    code = judgedTraffic && code == ExitCodes.CHECK_FAILED ? code : probeCode;
                }
            }
            out.flush();
            if (page != null) {
                page.linger(judged.label() + " · " + source, switch (judged) {
                    case ENCRYPTED -> "good";
                    case NOT_ENCRYPTED -> "bad";
                    default -> "warn";
                }, err);
            }
        }
        out.flush();
        return code;
    }

    private String judgeFile(EncryptionVerdict verdict, PrintWriter out, PrintWriter err, WebSession page) {
        try (KeyMaterial keys = tlsKeys.load(false, err);
             FilePacketSource source = FilePacketSource.open(read)) {
            source.onSecrets(text -> keys.addEmbedded(text, read + " (keys embedded in the capture)"));
            SniffPipeline pipeline = new SniffPipeline(source.linkType(), output, show, out, false,
                    SniffPipeline.tee(verdict, page == null ? null : page.feed("wire", "file " + read, false)),
                    verdict::wrap, keys);
            CaptureException failure = pipeline.readAll(source);
            if (failure != null) {
                // Judging half a file would be a guess: say what broke instead of a verdict.
                throw Errors.of(failure);
            }
            return read.toString();
        } catch (CaptureException e) {
            throw Errors.of(e);
        }
    }

    private String judgeLive(EncryptionVerdict verdict, PrintWriter out, PrintWriter err, WebSession page) {
        String bpf = target.bpf();
        try (KeyMaterial keys = tlsKeys.load(true, err);
             LivePacketSource source = LivePacketSource.open(
                new LiveCaptureOptions(target.interfaceName, bpf, 262144, 32 * 1024 * 1024))) {
            SniffPipeline pipeline = new SniffPipeline(source.linkType(), output, show, out, false,
                    SniffPipeline.tee(verdict, page == null ? null
                            : page.feed("wire", "wire · " + source.interfaceName() + " (" + bpf + ")", true)),
                    verdict::wrap, keys);
            err.println("Checking " + source.interfaceName() + " (" + bpf + ") for " + LiveRun.human(duration)
                    + " — use the service now; Ctrl-C ends early");
            err.flush();
            long dropped = LiveRun.run(source, pipeline.handler(), null, duration, show ? out::flush : null);
            pipeline.finish();
            long kernel = source.stats().droppedByKernel();
            if (kernel + dropped > 0) {
                err.println("note: " + (kernel + dropped) + " packets were dropped; the verdict covers what was seen");
            }
            return source.interfaceName() + " (" + bpf + ") for " + LiveRun.human(duration) + ", "
                    + SniffPipeline.plural(pipeline.wire().packets(), "packet");
        } catch (CaptureException e) {
            throw Errors.of(e);
        }
    }

    /** @return 1 if the probe found a weakness, 3 if nothing answered, else 0 */
    private int probe(HostAndPort target, PrintWriter out) {
        List<ServiceProbe.Result> results;
        try {
            results = new ServiceProbe(target.host(), target.port(), 3000).run(cacert);
        } catch (IOException e) {
            String msg = "cannot connect to " + target + ": " + (e.getMessage() == null ? e : e.getMessage());
            if (output.format == OutputOptions.Format.json) {
                StringBuilder sb = new StringBuilder();
                new JsonWriter(sb).begin().field("event", "check.probe").field("target", target.toString())
                        .field("error", msg).end();
                out.println(sb);
            } else {
                out.println("probe  " + msg);
            }
            return ExitCodes.NOTHING_SEEN;
        }
        boolean bad = results.stream().anyMatch(ServiceProbe.Result::bad);
        if (output.format == OutputOptions.Format.json) {
            StringBuilder sb = new StringBuilder();
            JsonWriter json = new JsonWriter(sb).begin().field("event", "check.probe")
                    .field("target", target.toString()).field("weak", bad).beginArray("results");
            for (ServiceProbe.Result r : results) {
                json.beginObjectElement().field("what", r.what()).field("answer", r.answer()).field("bad", r.bad())
                        .end();
            }
            json.endArray().end();
            out.println(sb);
        } else {
            Style style = output.style();
            out.println();
            out.println(style.bold("probe " + target));
            for (ServiceProbe.Result r : results) {
                StringBuilder line = new StringBuilder("    ").append(r.what());
                while (line.length() < 40) {
                    line.append(' ');
                }
                out.println(line + (r.bad() ? style.red(r.answer()) : r.answer()));
            }
        }
        return bad ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
    }
}
