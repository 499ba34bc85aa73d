package analyzer.cli;

import analyzer.capture.CaptureException;
import analyzer.capture.FilePacketSource;
import analyzer.dissect.tls.KeyMaterial;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "read", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Read a pcap or pcapng file and show it as 'capture' would.",
            "HTTP requests and responses are shown field by field, TLS records flagged as encrypted;",
            "with keys (--keylog, --server-key, or secrets inside a pcapng) TLS is decrypted and what it carries",
            "is shown as plaintext would be, marked as decrypted."},
        footer = {"", "Examples:", "  analyzer read captures/http-secret.pcap",
            "  analyzer read big.pcapng --format json > events.jsonl",
            "  analyzer read https.pcap --keylog keys.log"})
public final class ReadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "A pcap or pcapng file.")
    Path file;

    @Option(names = "--layers", description = "Also show each packet's Ethernet/IP/TCP header fields.")
    boolean layers;

    @Option(names = "--no-summary", description = "Do not print the packet/flow/message counts to stderr at the end.")
    boolean noSummary;

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
        PrintWriter err = Main.fitted(spec, spec.commandLine().getErr());
        try (KeyMaterial keys = tlsKeys.load(false, err);
             WebSession page = WebSession.startIf(web, "read · " + file, java.util.List.of(), output.showSecrets, spec);
             FilePacketSource source = FilePacketSource.open(file)) {
            source.onSecrets(text -> keys.addEmbedded(text, file + " (keys embedded in the capture)"));
            SniffPipeline pipeline = new SniffPipeline(source.linkType(), output, out, layers,
                    page == null ? null : page.feed("wire", "file " + file, false), keys);
            CaptureException failure = pipeline.readAll(source);
            if (!noSummary) {
                err.println(pipeline.summary());
            }
            if (pipeline.trackingNote() != null) {
                err.println(pipeline.trackingNote());
            }
            err.flush();
            if (page != null) {
                page.linger(failure == null ? file + " · " + pipeline.summary()
                        : "the file could not be read to its end: " + failure.getMessage(),
                        failure == null ? "info" : "warn", err);
            }
            if (failure != null) {
                throw Errors.of(failure);
            }
            return ExitCodes.OK;
        } catch (CaptureException e) {
            throw Errors.of(e);
        }
    }
}
