package analyzer.cli;

import analyzer.capture.CaptureException;
import analyzer.capture.CaptureStats;
import analyzer.capture.DecoupledPacketHandler;
import analyzer.capture.Interfaces;
import analyzer.capture.LiveCaptureOptions;
import analyzer.capture.LivePacketSource;
import analyzer.capture.PacketHandler;
import analyzer.capture.PcapWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "capture", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Capture live traffic (loopback by default) and show what is readable on the wire:",
            "HTTP requests and responses field by field, TLS records flagged as encrypted.",
            "Stops on Ctrl-C, --count or --duration, then prints a summary."},
        footer = {"", "Examples:",
            "  analyzer capture --port 5683",
            "  analyzer capture --port 5683 --write captures/",
            "  analyzer capture --filter 'tcp port 443 or tcp port 8443' --format json"})
public final class CaptureCommand implements java.util.concurrent.Callable<Integer> {

    private static final long BACKLOG_BYTES = 512L << 20;

    @Option(names = {"-p", "--port"}, split = ",", paramLabel = "PORT",
            description = "TCP port(s) to watch; repeat or separate by commas (builds the BPF filter 'tcp port …').")
    List<Integer> ports = new ArrayList<>();

    @Option(names = {"-i", "--interface"}, paramLabel = "NAME",
            description = "Interface to capture on (default: the loopback device).")
    String interfaceName;

    @Option(names = "--list-interfaces", description = "List the interfaces that can be captured on, and exit.")
    boolean listInterfaces;

    @Option(names = {"-f", "--filter"}, paramLabel = "BPF",
            description = "A BPF capture filter (tcpdump syntax) instead of --port, e.g. 'tcp port 443'.")
    String filter;

    @Option(names = {"-w", "--write"}, paramLabel = "FILE|DIR",
            description = "Also write the packets to a pcap file that Wireshark and tshark open;"
                    + " a directory (such as captures/) gets a timestamped file name.")
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listInterfaces) {
            try {
                Interfaces.describe().forEach(out::println);
            } catch (CaptureException e) {
                throw Errors.of(e);
            }
            out.flush();
            return ExitCodes.OK;
        }
        output.validate();
        String bpf = bpfFilter();
        if (count != null && count <= 0) {
            throw new UserError("--count must be at least 1, not " + count);
        }
        if (snaplen < 64 || snaplen > 262144) {
            throw new UserError("--snaplen must be between 64 and 262144, not " + snaplen);
        }
        try (LivePacketSource source = LivePacketSource.open(
                new LiveCaptureOptions(interfaceName, bpf, snaplen, 32 * 1024 * 1024))) {
            Path pcapFile = write == null ? null : PcapFiles.resolve(write);
            try (PcapWriter writer = pcapFile == null ? null
                    : PcapWriter.create(pcapFile, source.linkType(), snaplen)) {
                return run(source, writer, pcapFile, bpf, out, err);
            }
        } catch (CaptureException e) {
            throw Errors.of(e);
        }
    }

    private int run(LivePacketSource source, PcapWriter writer, Path pcapFile, String bpf, PrintWriter out,
                    PrintWriter err) throws CaptureException {
        SniffPipeline pipeline = new SniffPipeline(source.linkType(), output, out, layers, null);
        err.println("Capturing on " + source.interfaceName() + " (" + (bpf.isEmpty() ? "all traffic" : bpf) + ")"
                + (count != null ? ", " + SniffPipeline.plural(count, "packet") : "")
                + (duration != null ? ", for " + human(duration) : "") + " — Ctrl-C to stop");
        err.flush();
        PacketHandler dissect = pipeline.handler();
        // The dissector runs on its own thread behind a bounded backlog, so a burst is absorbed in memory
        // instead of overflowing the kernel's capture buffer.
        DecoupledPacketHandler worker = new DecoupledPacketHandler((frame, ts, data, caplen, origLen) -> {
            if (writer != null) {
                writer.write(ts, data, caplen, origLen);
            }
            dissect.onPacket(frame, ts, data, caplen, origLen);
        }, BACKLOG_BYTES);
        AtomicLong seen = new AtomicLong();
        PacketHandler handler = (frame, ts, data, caplen, origLen) -> {
            worker.onPacket(frame, ts, data, caplen, origLen);
            if (count != null && seen.incrementAndGet() >= count) {
                source.stop();
            }
        };
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "capture-timer");
            t.setDaemon(true);
            return t;
        });
        InterruptHandler interrupt = InterruptHandler.install(source::stop);
        try {
            if (duration != null) {
                timer.schedule(source::stop, duration.toMillis(), TimeUnit.MILLISECONDS);
            }
            // Events show up within a fifth of a second; flushing after every event would cost a write per event.
            timer.scheduleWithFixedDelay(out::flush, 200, 200, TimeUnit.MILLISECONDS);
            source.run(handler);
            try {
                worker.finish(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            timer.shutdownNow();
            interrupt.uninstall();
        }
        pipeline.finish();
        CaptureStats stats = source.stats();
        err.println();
        err.println(pipeline.summary() + " · " + stats.droppedByKernel() + " dropped by the kernel"
                + (stats.droppedByInterface() > 0 ? ", " + stats.droppedByInterface() + " by the interface" : "")
                + (worker.dropped() > 0 ? ", " + worker.dropped() + " by analyzer (backlog over "
                        + (BACKLOG_BYTES >> 20) + " MiB)" : ""));
        if (writer != null) {
            writer.close();
            err.println("written: " + pcapFile + " (open it in Wireshark, or: analyzer read " + pcapFile + ")");
        }
        err.flush();
        return ExitCodes.OK;
    }

    private String bpfFilter() {
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new UserError("--port must be between 1 and 65535, not " + p);
            }
        }
        StringBuilder portFilter = new StringBuilder();
        for (int p : ports) {
            portFilter.append(portFilter.length() > 0 ? " or " : "").append("tcp port ").append(p);
        }
        if (filter != null && filter.isBlank()) {
            throw new UserError("--filter is empty; give a BPF expression such as 'tcp port 443'");
        }
        if (filter != null && portFilter.length() > 0) {
            return "(" + filter + ") and (" + portFilter + ")";
        }
        if (filter != null) {
            return filter;
        }
        return portFilter.length() > 0 ? portFilter.toString() : "tcp";
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** Resolves --write: a directory gets capture-YYYY-MM-DDTHH-MM-SS.pcap inside it. */
    static final class PcapFiles {
        private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss");

        static Path resolve(Path write) {
            String s = write.toString();
            boolean dir = Files.isDirectory(write) || s.endsWith("/") || s.endsWith(java.io.File.separator);
            Path file = dir ? write.resolve("capture-" + LocalDateTime.now().format(STAMP) + ".pcap") : write;
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
