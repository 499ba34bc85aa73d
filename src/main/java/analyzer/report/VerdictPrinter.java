package analyzer.report;

import analyzer.dissect.Frames;
import analyzer.report.EncryptionVerdict.Finding;
import analyzer.report.EncryptionVerdict.FlowKind;
import analyzer.report.EncryptionVerdict.FlowReport;
import analyzer.report.EncryptionVerdict.Verdict;
import java.util.List;
import java.util.Locale;

/** Shows an {@link EncryptionVerdict}: aligned text for people, JSON lines for scripts. */
public final class VerdictPrinter {

    private static final String INDENT = "    ";
    private static final int LABEL_WIDTH = 14;

    private VerdictPrinter() {
    }

    /**
     * @param source what was judged: "lo (tcp port 5683) for 10 s", "captures/http-secret.pcap"
     */
    public static String text(EncryptionVerdict verdict, String source, Style style) {
        StringBuilder sb = new StringBuilder();
        Verdict v = verdict.verdict();
        List<FlowReport> flows = verdict.flows();
        for (FlowReport f : flows) {
            if (f.kind() == FlowKind.EMPTY) {
                continue;
            }
            String tag = switch (f.kind()) {
                case READABLE -> style.red("READABLE ");
                case TLS -> style.green("ENCRYPTED");
                case INFO -> style.cyan("INFO     ");
                default -> style.yellow("UNKNOWN  ");
            };
            sb.append(tag).append("  ").append(style.bold("#" + f.flow().id())).append("  ")
                    .append(f.flow().client()).append(" → ").append(f.flow().server()).append("  ")
                    .append(f.summary()).append('\n');
            for (Finding finding : f.findings()) {
                sb.append(INDENT).append(pad(finding.kind())).append(finding.detail())
                        .append(frames(finding.frames())).append('\n');
            }
            for (String w : f.warnings()) {
                sb.append(INDENT).append(style.yellow("⚠ " + w)).append('\n');
            }
        }
        long empty = flows.stream().filter(f -> f.kind() == FlowKind.EMPTY).count();
        if (!flows.isEmpty()) {
            sb.append('\n');
        }
        String headline = switch (v) {
            case NOT_ENCRYPTED -> style.red(style.bold(v.label())) + " — " + count(flows, FlowKind.READABLE)
                    + " of " + judged(flows) + " readable on the wire";
            case ENCRYPTED -> style.green(style.bold(v.label())) + " — every connection with data was TLS ("
                    + plural(count(flows, FlowKind.TLS), "connection") + ")";
            case UNVERIFIED -> style.yellow(style.bold(v.label())) + " — " + count(flows, FlowKind.UNKNOWN)
                    + " of " + judged(flows) + " carried data that is neither TLS nor readable";
            case NOTHING -> style.yellow(style.bold(v.label())) + " — no data seen"
                    + (count(flows, FlowKind.INFO) > 0 ? " besides DNS" : "")
                    + (empty > 0 ? " (" + plural(empty, "connection") + " without payload)" : "");
        };
        sb.append(headline).append("  ·  ").append(source).append('\n');
        if (v == Verdict.NOTHING) {
            sb.append(INDENT).append("Is the service running and was it used while watching? A check that saw nothing"
                    + " cannot pass.\n");
        }
        return sb.toString();
    }

    /** One JSON object per connection ("check.flow"), then the verdict ("check.verdict"). */
    public static String json(EncryptionVerdict verdict, String source) {
        StringBuilder sb = new StringBuilder();
        List<FlowReport> flows = verdict.flows();
        for (FlowReport f : flows) {
            JsonWriter json = new JsonWriter(sb);
            json.begin().field("event", "check.flow").field("flow", f.flow().id())
                    .field("client", f.flow().client().toString()).field("server", f.flow().server().toString())
                    .field("kind", f.kind().name().toLowerCase(Locale.ROOT)).field("summary", f.summary())
                    .field("client_bytes", f.clientBytes()).field("server_bytes", f.serverBytes())
                    .beginArray("findings");
            for (Finding finding : f.findings()) {
                json.beginObjectElement().field("kind", finding.kind()).field("detail", finding.detail())
                        .beginArray("frames");
                for (long frame : finding.frames().toArray()) {
                    json.value(frame);
                }
                json.endArray().end();
            }
            json.endArray().beginArray("warnings");
            for (String w : f.warnings()) {
                json.value(w);
            }
            json.endArray().end();
            sb.append('\n');
        }
        Verdict v = verdict.verdict();
        new JsonWriter(sb).begin().field("event", "check.verdict").field("verdict", EncryptionVerdict.key(v))
                .field("source", source).field("connections", flows.size())
                .field("readable", count(flows, FlowKind.READABLE)).field("encrypted", count(flows, FlowKind.TLS))
                .field("unknown", count(flows, FlowKind.UNKNOWN)).field("exit_code", v.exitCode()).end();
        sb.append('\n');
        return sb.toString();
    }

    private static long count(List<FlowReport> flows, FlowKind kind) {
        return flows.stream().filter(f -> f.kind() == kind).count();
    }

    private static String judged(List<FlowReport> flows) {
        return plural(flows.stream().filter(f -> f.kind() != FlowKind.EMPTY).count(), "connection");
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String pad(String label) {
        StringBuilder sb = new StringBuilder(label);
        while (sb.length() < LABEL_WIDTH) {
            sb.append(' ');
        }
        return sb.toString();
    }

    private static String frames(Frames frames) {
        if (frames.isEmpty()) {
            return "";
        }
        return frames.size() == 1 ? "  (frame " + frames.first() + ")" : "  (frames " + frames + ")";
    }
}
