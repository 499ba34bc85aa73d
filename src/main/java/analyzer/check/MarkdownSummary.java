package analyzer.check;

import analyzer.check.CheckReport.Connection;
import analyzer.check.CheckReport.Judgement;
import analyzer.check.CheckReport.Level;
import analyzer.check.CheckReport.ProbeLine;
import analyzer.report.EncryptionVerdict.Finding;
import analyzer.report.Verdict;
import java.util.List;

/**
 * A check as a Markdown summary, appended to {@code $GITHUB_STEP_SUMMARY} so the verdict shows on the workflow run's
 * page: the verdict and exit code, a table of the connections that matter, the evidence, the probe's answers.
 */
public final class MarkdownSummary {

    /** Rows of the connection table: a summary is for reading, the JUnit report lists them all. */
    static final int MAX_ROWS = 50;

    private MarkdownSummary() {
    }

    public static String render(CheckReport report) {
        StringBuilder md = new StringBuilder();
        Verdict v = report.verdict();
        md.append("### analyzer check: ").append(v == Verdict.ENCRYPTED ? "✅ " : v == Verdict.NOTHING ? "⚠️ " : "❌ ")
                .append(v.label()).append("\n\n");
        md.append("Exit ").append(report.exitCode()).append(" — ").append(cell(CheckTextReport.exitMeaning(report)));
        CheckReport.Inputs in = report.inputs();
        if (in.source() != null) {
            md.append(" · watched ").append(cell(in.source()));
            if (report.watched() != null) {
                md.append(" for ").append(CheckTextReport.seconds(report.watched()));
            }
        }
        if (report.command() != null) {
            md.append(" · command ").append(cell(report.command().describe()));
        }
        if (in.policy() != null) {
            md.append(" · policy ").append(in.policy().key());
        }
        md.append("\n\n");
        List<Connection> rows = report.connections().stream().filter(c -> c.judgement() != Judgement.EMPTY)
                .sorted((a, b) -> Integer.compare(rank(a), rank(b))).toList();
        if (!rows.isEmpty()) {
            md.append("| | connection | what |\n|---|---|---|\n");
            for (int i = 0; i < rows.size() && i < MAX_ROWS; i++) {
                Connection c = rows.get(i);
                md.append("| ").append(c.judgement() == Judgement.ENCRYPTED ? "✅ " : c.judgement() == Judgement.INFO
                        ? "ℹ️ " : "❌ ").append(c.judgement().tag())
                        .append(" | #").append(c.flow().id()).append(' ').append(cell(c.flow().client().toString()))
                        .append(" → ").append(cell(c.flow().server().toString()))
                        .append(c.servicePort() ? "" : " (other port)").append(" | ").append(cell(c.summary()))
                        .append(" |\n");
            }
            if (rows.size() > MAX_ROWS) {
                md.append("\n… and ").append(rows.size() - MAX_ROWS).append(" more connections (see the JUnit"
                        + " report or --format json).\n");
            }
            md.append('\n');
            StringBuilder evidence = new StringBuilder();
            for (Connection c : rows) {
                for (Finding f : c.findings()) {
                    evidence.append("- `#").append(c.flow().id()).append("` ").append(f.kind()).append(": ")
                            .append(cell(f.detail())).append(CheckTextReport.frames(f.frames())).append('\n');
                }
                for (String p : c.problems()) {
                    evidence.append("- `#").append(c.flow().id()).append("` ✗ ").append(cell(p)).append('\n');
                }
                for (String w : c.warnings()) {
                    evidence.append("- `#").append(c.flow().id()).append("` ⚠ ").append(cell(w)).append('\n');
                }
            }
            if (evidence.length() > 0) {
                md.append("**Evidence**\n\n").append(evidence).append('\n');
            }
        }
        if (in.probeTarget() != null) {
            md.append("**Probe ").append(cell(in.probeTarget())).append("**\n\n");
            if (in.probeError() != null) {
                md.append(cell(in.probeError())).append("\n\n");
            } else {
                md.append("| | tried | answer |\n|---|---|---|\n");
                for (ProbeLine l : report.probeLines()) {
                    md.append("| ").append(l.level() == Level.FAIL ? "❌" : l.level() == Level.WARN ? "⚠️" : "✅")
                            .append(" | ").append(cell(l.what())).append(" | ").append(cell(l.answer())).append(" |\n");
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    private static int rank(Connection c) {
        return c.judgement() == Judgement.ENCRYPTED ? 1 : c.judgement() == Judgement.INFO ? 2 : 0;
    }

    /** Text safe in a table cell: pipes escaped, line breaks and control characters flattened. */
    static String cell(String text) {
        return CheckTextReport.printable(text.replace("\n", " ")).replace("|", "\\|").replace("<", "&lt;");
    }
}
