package analyzer.cli;

import analyzer.report.SummaryLine;
import analyzer.capture.CaptureException;
import analyzer.capture.CaptureStats;
import analyzer.capture.Interfaces;
import analyzer.capture.LiveCaptureOptions;
import analyzer.capture.LivePacketSource;
import analyzer.capture.PacketHandler;
import analyzer.capture.CaptureWriter;
import analyzer.dissect.EventSink;
import analyzer.report.DecodeAsHint;
import analyzer.report.FrameComments;
import analyzer.dissect.tls.KeyMaterial;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "capture", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Capture live traffic (loopback by default) and show what is readable on the wire.",
            "HTTP requests and responses are shown field by field, TLS records flagged as encrypted.",
            "Stops on Ctrl-C, --count or --duration, then prints a summary."},
        footer = {"", "Examples:",
            "  analyzer capture --port 5683",
            "  analyzer capture --port 5683 --write captures/",
            "  analyzer capture --filter 'tcp port 443 or tcp port 8443' --format json",
            "  analyzer capture --port 443 --keylog keys.log    # then: SSLKEYLOGFILE=keys.log curl https://…"})
public final class CaptureCommand implements java.util.concurrent.Callable<Integer> {

    @Mixin
    CaptureTarget target;

    @Option(names = "--list-interfaces", description = "List the interfaces that can be captured on, and exit.")
    boolean listInterfaces;

    @Option(names = {"-w", "--write"}, paramLabel = "FILE|DIR",
            description = "Also write the packets to a file that Wireshark and tshark open: pcapng, with a comment on"
                    + " each frame where something was seen in clear (or a classic pcap, without comments, for a name"
                    + " ending .pcap); a directory (such as captures/) gets a timestamped .pcapng.")
    Path write;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N packets.")
    Long count;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = Durations.class,
            description = "Stop after this long (30, 30s, 500ms, 2m).")
    Duration duration;

    @Option(names = "--snaplen", defaultValue = "262144", paramLabel = "BYTES",
            description = "Bytes kept of each packet (default: ${DEFAULT-VALUE}).")
    int snaplen;

    @Option(names = "--layers", description = "Also show each packet's Ethernet/IP/TCP header fields.")
    boolean layers;

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
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = Main.fitted(spec, spec.commandLine().getErr());
        if (listInterfaces) {
            try {
                PrintWriter list = Main.fitted(spec, out);
                Interfaces.describe().forEach(list::println);
                list.flush();
            } catch (CaptureException e) {
                throw Errors.of(e);
            }
            out.flush();
            return ExitCodes.OK;
        }
        output.validate();
        String bpf = target.bpf();
        if (count != null && count <= 0) {
            throw new UserError("--count must be at least 1, not " + count);
        }
        if (snaplen < 64 || snaplen > 262144) {
            throw new UserError("--snaplen must be between 64 and 262144, not " + snaplen);
        }
        try (KeyMaterial keys = tlsKeys.load(true, err);
             WebSession page = WebSession.startIf(web, "capture · " + bpf, List.of(), output.showSecrets, spec);
             LivePacketSource source = LivePacketSource.open(
                new LiveCaptureOptions(target.interfaceName, bpf, snaplen, 32 * 1024 * 1024))) {
            Path pcapFile = write == null ? null : PcapFiles.resolve(write, ".pcapng");
            try (CaptureWriter writer = pcapFile == null ? null
                    : CaptureWriter.create(pcapFile, source.linkType(), snaplen)) {
                return run(source, writer, bpf, out, err, keys, page);
            }
        } catch (CaptureException e) {
            throw Errors.of(e);
        }
    }

    private int run(LivePacketSource source, CaptureWriter writer, String bpf, PrintWriter out, PrintWriter err,
                    KeyMaterial keys, WebSession page) throws CaptureException {
        String where = source.interfaceName() + " (" + (bpf.isEmpty() ? "all traffic" : bpf) + ")";
        if (page != null) {
            page.view().title("capture · " + where);
        }
        DecodeAsHint decodeAs = new DecodeAsHint();
        EventSink recorded = writer == null ? null : writer.annotates()
                ? EventSink.both(new FrameComments(writer::comment), decodeAs) : decodeAs;
        SniffPipeline pipeline = new SniffPipeline(source.linkType(), output, out, layers,
                EventSink.both(page == null ? null : page.feed("wire", "wire · " + where, true), recorded), keys);
        err.println("Capturing on " + source.interfaceName() + " (" + (bpf.isEmpty() ? "all traffic" : bpf) + ")"
                + (count != null ? ", " + SummaryLine.plural(count, "packet") : "")
                + (duration != null ? ", for " + SummaryLine.duration(duration) : "") + " — Ctrl-C to stop");
        err.flush();
        PacketHandler dissect = pipeline.handler();
        long backlogDropped = LiveRun.run(source, (frame, ts, data, caplen, origLen) -> {
            if (writer != null) {
                writer.write(ts, data, caplen, origLen);
            }
            dissect.onPacket(frame, ts, data, caplen, origLen);
        }, count, duration, out::flush);
        pipeline.finish();
        CaptureStats stats = source.stats();
        err.println();
        err.println(pipeline.summary() + " · " + stats.droppedByKernel() + " dropped by the kernel"
                + (stats.droppedByInterface() > 0 ? ", " + stats.droppedByInterface() + " by the interface" : "")
                + (backlogDropped > 0 ? ", " + backlogDropped + " by analyzer (backlog over "
                        + (LiveRun.BACKLOG_BYTES >> 20) + " MiB)" : ""));
        if (pipeline.trackingNote() != null) {
            err.println(pipeline.trackingNote());
        }
        if (writer != null) {
            String secrets = keys.openedKeyLog();
            writer.secrets(secrets);
            writer.close();
            Recordings.written(err, writer, decodeAs);
            Recordings.keysInside(err, writer, keys.openedConnections());
        }
        err.flush();
        if (page != null) {
            page.linger("capture ended · " + pipeline.summary(), "info", err);
        }
        return ExitCodes.OK;
    }

    /** Resolves --write: a directory gets capture-YYYY-MM-DDTHH-MM-SS.pcapng (or another extension) inside it. */
    static final class PcapFiles {
        private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss");

        static Path resolve(Path write, String extension) {
            String s = write.toString();
            boolean dir = Files.isDirectory(write) || s.endsWith("/") || s.endsWith(java.io.File.separator);
            Path file = dir ? write.resolve("capture-" + LocalDateTime.now().format(STAMP) + extension) : write;
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (java.io.IOException e) {
                throw new UserError("cannot create the directory for " + file + ": " + e.getMessage());
            }
            return file;
        }
    }
}
