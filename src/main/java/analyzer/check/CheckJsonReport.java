package analyzer.check;

import analyzer.check.CheckReport.Connection;
import analyzer.check.CheckReport.ProbeLine;
import analyzer.report.EncryptionVerdict.Finding;
import analyzer.report.JsonWriter;
import java.util.List;
import java.util.Locale;

/**
 * A check's report for scripts: one JSON object per line — {@code check.flow} per connection, {@code check.probe}
 * when the service was probed, and last {@code check.verdict}, whose {@code exit_code} is the process's.
 */
public final class CheckJsonReport {

    private CheckJsonReport() {
    }

    public static String render(CheckReport report) {
        StringBuilder sb = new StringBuilder();
        for (Connection c : report.connections()) {
            JsonWriter json = new JsonWriter(sb);
            json.begin().field("event", "check.flow").field("flow", c.flow().id())
                    .field("client", c.flow().client().toString()).field("server", c.flow().server().toString())
                    .field("kind", kind(c)).field("judgement", c.judgement().name().toLowerCase(Locale.ROOT))
                    .field("service_port", c.servicePort()).field("summary", c.summary())
                    .field("client_bytes", c.clientBytes()).field("server_bytes", c.serverBytes())
                    .beginArray("findings");
            for (Finding finding : c.findings()) {
                json.beginObjectElement().field("kind", finding.kind()).field("detail", finding.detail())
                        .beginArray("frames");
                for (long frame : finding.frames().toArray()) {
                    json.value(frame);
                }
                json.endArray().end();
            }
            json.endArray();
            strings(json, "problems", c.problems());
            strings(json, "warnings", c.warnings());
            json.end();
            sb.append('\n');
        }
        CheckReport.Inputs in = report.inputs();
        if (in.probeTarget() != null) {
            JsonWriter json = new JsonWriter(sb);
            json.begin().field("event", "check.probe").field("target", in.probeTarget());
            if (in.probeError() != null) {
                json.field("error", in.probeError());
            }
            boolean weak = report.probeLines().stream().anyMatch(l -> l.level() == CheckReport.Level.FAIL);
            json.field("weak", weak).beginArray("results");
            for (ProbeLine l : report.probeLines()) {
                json.beginObjectElement().field("what", l.what()).field("answer", l.answer())
                        .field("level", l.level().name().toLowerCase(Locale.ROOT))
                        .field("bad", l.level() == CheckReport.Level.FAIL).end();
            }
            json.endArray().end();
            sb.append('\n');
        }
        JsonWriter json = new JsonWriter(sb);
        json.begin().field("event", "check.verdict").field("verdict", report.verdict().key())
                .field("source", in.source()).field("connections", report.total())
                .field("readable", report.count(CheckReport.Judgement.READABLE))
                .field("encrypted", report.count(CheckReport.Judgement.ENCRYPTED))
                .field("unknown", report.count(CheckReport.Judgement.UNVERIFIED))
                .field("weak_tls", report.count(CheckReport.Judgement.WEAK_TLS));
        if (in.policy() != null) {
            json.field("policy", in.policy().key()).field("guidelines", TlsPolicy.GUIDELINES);
        }
        if (report.watched() != null) {
            json.field("watched_ms", report.watched().toMillis()).field("interrupted", in.window().interrupted());
        }
        LiveWindow.CommandOutcome command = report.command();
        if (command != null) {
            json.name("command").begin();
            strings(json, "argv", command.argv());
            json.field("exit_code", command.exitCode());
            if (command.stoppedBy() != null) {
                json.field("stopped_by", command.stoppedBy());
            }
            json.end();
        }
        json.field("exit_code", report.exitCode()).end();
        sb.append('\n');
        return sb.toString();
    }

    /** As before judgements existed: readable, tls, unknown or empty. */
    private static String kind(Connection c) {
        return switch (c.judgement()) {
            case READABLE -> "readable";
            case UNVERIFIED -> "unknown";
            case EMPTY -> "empty";
            case INFO -> "info";
            default -> "tls";
        };
    }

    private static void strings(JsonWriter json, String name, List<String> values) {
        json.beginArray(name);
        for (String v : values) {
            json.value(v);
        }
        json.endArray();
    }
}
