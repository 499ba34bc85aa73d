package analyzer.cli;

import analyzer.report.TextWidth;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How events are shown: shared by capture, read and proxy. */
public final class OutputOptions {

    public enum Format { text, json }

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text for people, json for scripts: one object per event per line (default: ${DEFAULT-VALUE}).")
    public Format format = Format.text;

    @Option(names = "--hex", description = "Also dump payloads as offset/hex/ASCII, Wireshark style.")
    public boolean hex;

    @Option(names = "--max-body", defaultValue = "4096", paramLabel = "BYTES",
            description = "Show at most this many bytes of each HTTP body; the full length is always stated"
                    + " (default: ${DEFAULT-VALUE}).")
    public int maxBody = 4096;

    @Option(names = "--show-secrets",
            description = "Show passwords, tokens and query strings found in full (logins of SMTP, IMAP, POP3, FTP,"
                    + " telnet, Redis, PostgreSQL; HTTP credentials); by default only their first characters (hun…).")
    public boolean showSecrets;

    @Option(names = "--color", defaultValue = "auto", paramLabel = "auto|always|never",
            description = "Colour the text output: auto = only on a terminal and when NO_COLOR is unset"
                    + " (default: ${DEFAULT-VALUE}).")
    public String color = "auto";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The width text output must fit (the global --width, the terminal's, $COLUMNS, or unlimited). */
    public TextWidth width() {
        return mixee == null ? TextWidth.ofStandardOutput() : Main.width(mixee);
    }

    /** The same options with another --max-body (check keeps more of each body to search than it shows). */
    public OutputOptions withMaxBody(int bytes) {
        OutputOptions copy = new OutputOptions();
        copy.format = format;
        copy.hex = hex;
        copy.maxBody = bytes;
        copy.color = color;
        copy.showSecrets = showSecrets;
        copy.mixee = mixee;
        return copy;
    }

    public void validate() {
        if (maxBody < 0) {
            throw new UserError("--max-body must be 0 or more, not " + maxBody);
        }
        if (!color.equals("auto") && !color.equals("always") && !color.equals("never")) {
            throw new UserError("--color must be auto, always or never, not '" + color + "'");
        }
    }

    public analyzer.report.Style style() {
        return switch (color) {
            case "always" -> analyzer.report.Style.COLOR;
            case "never" -> analyzer.report.Style.PLAIN;
            default -> analyzer.report.Style.forTerminal();
        };
    }
}
