package analyzer.check;

import static analyzer.report.SummaryLine.plural;

import analyzer.check.CheckReport.Connection;
import analyzer.check.CheckReport.Judgement;
import analyzer.check.CheckReport.Level;
import analyzer.check.CheckReport.ProbeLine;
import analyzer.dissect.Frames;
import analyzer.report.EncryptionVerdict.Finding;
import analyzer.report.Style;
import analyzer.report.TextWidth;
import analyzer.report.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A check's report for people, at most {@value #WIDTH} columns wide (a CI log, a projector), narrower on a narrower
 * terminal: the connections that fail first, each with its evidence, the encrypted ones grouped by server, the
 * probe's answers, then the verdict, what was watched and the exit code with its meaning. Long lines are broken by
 * {@link TextWidth} under a hanging indent.
 */
public final class CheckTextReport {

    public static final int WIDTH = 80;
    private static final String INDENT = "    ";
    private static final int LABEL_WIDTH = 14;
    private static final int PROBE_WIDTH = 16;
    private static final int TAG_WIDTH = 11;

    private CheckTextReport() {
    }

    /** The width a check's text takes: 80 columns, or the terminal's when it is narrower. */
    public static TextWidth width(TextWidth terminal) {
        return TextWidth.of(terminal.limited() ? Math.min(WIDTH, terminal.columns()) : WIDTH);
    }

    /** @param reportFiles reports written besides ("check.xml"), named on the last lines; may be empty */
    public static String render(CheckReport report, Style style, List<String> reportFiles) {
        return render(report, style, reportFiles, TextWidth.of(WIDTH));
    }

    public static String render(CheckReport report, Style style, List<String> reportFiles, TextWidth width) {
        Lines sb = new Lines(width);
        List<Connection> shown = new ArrayList<>();
        Map<String, List<Connection>> encrypted = new LinkedHashMap<>();
        for (Connection c : report.connections()) {
            if (c.judgement() == Judgement.EMPTY) {
                continue;
            }
            boolean plain = c.judgement() == Judgement.ENCRYPTED && c.findings().isEmpty() && c.warnings().isEmpty();
            if (plain) {
                encrypted.computeIfAbsent(c.flow().server() + "\u0000" + c.summary() + "\u0000" + c.servicePort(),
                        k -> new ArrayList<>()).add(c);
            } else {
                shown.add(c);
            }
        }
        shown.sort((a, b) -> Integer.compare(rank(a.judgement()), rank(b.judgement())));
        for (Connection c : shown) {
            connection(sb, style, c);
        }
        for (List<Connection> group : encrypted.values()) {
            if (group.size() == 1) {
                connection(sb, style, group.get(0));
            } else {
                group(sb, style, group);
            }
        }
        if (report.unlistedWithData() > 0) {
            sb.wrapped(INDENT, INDENT, "… and " + plural(report.unlistedWithData(), "more connection")
                    + " with data, counted below but not listed");
        }
        if (!report.probeLines().isEmpty() || report.inputs().probeError() != null) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            probe(sb, style, report);
        }
        if (sb.length() > 0) {
            sb.append('\n');
        }
        headline(sb, style, report);
        footer(sb, report, reportFiles);
        return sb.toString();
    }

    private static int rank(Judgement j) {
        return switch (j) {
            case READABLE -> 0;
            case UNVERIFIED -> 1;
            case WEAK_TLS -> 2;
            case INFO -> 4;
            default -> 3;
        };
    }

    private static String tag(Style style, Judgement j) {
        String padded = pad(j.tag(), TAG_WIDTH);
        return switch (j) {
            case READABLE -> style.red(padded);
            case ENCRYPTED -> style.green(padded);
            case INFO -> style.cyan(padded);
            default -> style.yellow(padded);
        };
    }

    private static void connection(Lines sb, Style style, Connection c) {
        String head = "#" + c.flow().id() + "  " + c.flow().client() + " → " + c.flow().server()
                + (c.servicePort() ? "" : "  (other port)");
        sb.wrapped(tag(style, c.judgement()), pad("", TAG_WIDTH), head);
        sb.wrapped(INDENT, INDENT, c.summary());
        for (Finding f : c.findings()) {
            sb.wrapped(INDENT + pad(f.kind(), LABEL_WIDTH), INDENT + pad("", LABEL_WIDTH),
                    f.detail() + frames(f.frames()));
        }
        for (String p : c.problems()) {
            sb.wrapped(INDENT + style.red("✗") + " ", INDENT + "  ", p);
        }
        for (String w : c.warnings()) {
            sb.wrapped(INDENT + style.yellow("⚠") + " ", INDENT + "  ", w);
        }
    }

    private static void group(Lines sb, Style style, List<Connection> group) {
        Connection first = group.get(0);
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < group.size(); i++) {
            if (i == 3 && group.size() > 4) {
                ids.append(", … #").append(group.get(group.size() - 1).flow().id());
                break;
            }
            ids.append(i > 0 ? ", #" : "#").append(group.get(i).flow().id());
        }
        String head = group.size() + " connections to " + first.flow().server()
                + (first.servicePort() ? "" : " (other port)") + "  (" + ids + ")";
        sb.wrapped(tag(style, Judgement.ENCRYPTED), pad("", TAG_WIDTH), head);
        sb.wrapped(INDENT, INDENT, first.summary());
    }

    private static void probe(Lines sb, Style style, CheckReport report) {
        CheckReport.Inputs in = report.inputs();
        sb.append(style.bold("probe " + in.probeTarget())).append('\n');
        if (in.probeError() != null) {
            sb.wrapped(INDENT, INDENT, in.probeError());
            return;
        }
        for (ProbeLine line : report.probeLines()) {
            String answer = line.answer();
            String mark = line.level() == Level.FAIL ? "✗ " : line.level() == Level.WARN ? "⚠ " : "";
            String first = INDENT + pad(line.what(), PROBE_WIDTH) + (line.level() == Level.FAIL ? style.red(mark)
                    : style.yellow(mark));
            sb.wrapped(first, INDENT + pad("", PROBE_WIDTH) + pad("", mark.length()), answer);
        }
    }

    private static void headline(Lines sb, Style style, CheckReport report) {
        Verdict v = report.verdict();
        long judged = report.judged();
        boolean probed = !report.probeLines().isEmpty();
        String label = switch (v) {
            case ENCRYPTED -> style.green(style.bold(v.label()));
            case NOTHING -> style.yellow(style.bold(v.label()));
            default -> style.red(style.bold(v.label()));
        };
        String why = switch (v) {
            case NOT_ENCRYPTED -> report.count(Judgement.READABLE) > 0
                    ? report.count(Judgement.READABLE) + " of " + plural(judged, "connection") + " readable on the wire"
                    : "the probed port serves plaintext HTTP";
            case UNVERIFIED -> report.count(Judgement.UNVERIFIED) + " of " + plural(judged, "connection")
                    + " carried data that is neither TLS nor readable";
            case WEAK_TLS -> report.count(Judgement.WEAK_TLS) > 0
                    ? report.count(Judgement.WEAK_TLS) + " of " + plural(judged, "connection") + " outside "
                    + policyName(report)
                    : "the probe found weaknesses (✗ above)";
            case ENCRYPTED -> report.inputs().traffic() != null
                    ? "every connection with data was TLS (" + plural(report.count(Judgement.ENCRYPTED), "connection")
                    + ")"
                    : "the service refuses plaintext and its TLS passes";
            case NOTHING -> {
                long empty = report.count(Judgement.EMPTY);
                yield report.inputs().traffic() == null ? "the probe could not reach the service"
                        : "no data seen" + (report.count(Judgement.INFO) > 0 ? " besides DNS" : "")
                        + (empty > 0 ? " (" + plural(empty, "connection") + " without payload)" : "");
            }
        };
        sb.wrapped(label + " — ", "", why);
        if (v == Verdict.NOTHING && report.inputs().traffic() != null) {
            sb.wrapped(INDENT, INDENT, "Is the service running and was it used while watching? A check that saw"
                    + " nothing cannot pass.");
        }
        if (probed && v == Verdict.ENCRYPTED && report.inputs().traffic() != null) {
            sb.wrapped(INDENT, INDENT, "the probe found nothing wrong");
        }
    }

    private static void footer(Lines sb, CheckReport report, List<String> reportFiles) {
        CheckReport.Inputs in = report.inputs();
        StringBuilder what = new StringBuilder(in.source() != null ? in.source() : "");
        Duration watched = report.watched();
        if (watched != null) {
            what.append(": ").append(seconds(watched));
            if (in.window().interrupted()) {
                what.append(" (ended early by a signal)");
            }
        }
        if (in.traffic() != null) {
            what.append(", ").append(plural(in.packets(), "packet"));
        }
        if (in.window() != null && in.window().droppedByBacklog() > 0) {
            what.append(", ").append(in.window().droppedByBacklog()).append(" dropped (backlog full)");
        }
        if (what.length() > 0) {
            sb.wrapped(INDENT, INDENT, what.toString());
        }
        List<String> notes = new ArrayList<>();
        LiveWindow.CommandOutcome command = report.command();
        if (command != null) {
            notes.add("command " + command.describe());
        }
        if (in.policy() != null) {
            notes.add("policy " + in.policy().key() + " (" + TlsPolicy.GUIDELINES + ")");
        }
        for (String file : reportFiles) {
            notes.add("report: " + file);
        }
        if (!notes.isEmpty()) {
            sb.wrapped(INDENT, INDENT, String.join(" · ", notes));
        }
        sb.wrapped("", INDENT, "exit " + report.exitCode() + " — " + exitMeaning(report));
    }

    /** What the exit code means, in a few words. */
    static String exitMeaning(CheckReport report) {
        int code = report.exitCode();
        return switch (code) {
            case 0 -> "the check passed";
            case 1 -> "the check failed";
            case 3 -> "nothing to judge: a check that saw no traffic cannot pass";
            case CheckReport.COMMAND_FAILED -> "the command failed (" + report.command().describe()
                    + "); the traffic check itself " + (report.verdict() == Verdict.ENCRYPTED ? "passed"
                    : "saw nothing");
            default -> "";
        };
    }

    private static String policyName(CheckReport report) {
        return report.inputs().policy() == null ? "the policy" : "policy " + report.inputs().policy().key();
    }

    /** "2.4 s", "12 s", "2 min 5 s" */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = Math.round(ms / 1000.0);
        return s < 120 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }

    /** "  (frame 4)", "  (frames 6, 8)", "  (frames 2–17, 20)": runs of consecutive frames shortened. */
    static String frames(Frames frames) {
        if (frames.isEmpty()) {
            return "";
        }
        if (frames.size() == 1) {
            return "  (frame " + frames.first() + ")";
        }
        StringBuilder sb = new StringBuilder("  (frames ");
        int i = 0;
        while (i < frames.size()) {
            int j = i;
            while (j + 1 < frames.size() && frames.get(j + 1) == frames.get(j) + 1) {
                j++;
            }
            sb.append(i > 0 ? ", " : "").append(frames.get(i));
            if (j >= i + 2) {
                sb.append('–').append(frames.get(j));
            } else if (j == i + 1) {
                sb.append(", ").append(frames.get(j));
            }
            i = j + 1;
        }
        return sb.append(')').toString();
    }

    private static String pad(String s, int width) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < width) {
            sb.append(' ');
        }
        if (sb.length() > width && width > 0) {
            sb.append(' ');
        }
        return sb.toString();
    }

    /** Control characters from the wire (an escape sequence in a header, say) never reach the terminal. */
    static String printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                StringBuilder sb = new StringBuilder(text.length());
                text.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '.' : c));
                return sb.toString();
            }
        }
        return text;
    }

    /** The report's lines as they are written, each fitted to the width. */
    static final class Lines {
        private final StringBuilder sb = new StringBuilder();
        private final TextWidth width;

        Lines(TextWidth width) {
            this.width = width;
        }

        /**
         * Appends {@code first} (ours: a tag, an indent, colour) then {@code text} (from the wire, made printable),
         * continuation lines starting with {@code rest}.
         */
        void wrapped(String first, String rest, String text) {
            sb.append(width.fit(first + printable(text), rest)).append('\n');
        }

        Lines append(char c) {
            sb.append(c);
            return this;
        }

        Lines append(String s) {
            sb.append(s);
            return this;
        }

        int length() {
            return sb.length();
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
