package analyzer.workshop;

import analyzer.report.Style;
import analyzer.report.TextWidth;
import java.io.PrintWriter;
import java.util.Map;

/** Tells the demo's story on a terminal: one aligned line per thing that happened, a rule between stages. */
public final class TextNarration implements Demo.Narration {

    private static final int WHO_WIDTH = 10;
    private static final int RULE_WIDTH = 78;

    private final PrintWriter out;
    private final Style style;
    private final TextWidth width;
    private boolean titled;

    public TextNarration(PrintWriter out, Style style) {
        this(out, style, TextWidth.UNLIMITED);
    }

    /** @param width lines wider than this continue under their text column */
    public TextNarration(PrintWriter out, Style style, TextWidth width) {
        this.out = out;
        this.style = style;
        this.width = width;
    }

    /** The title, once, before whatever is told first (a warning about the port can come before the setup). */
    private void title() {
        if (!titled) {
            titled = true;
            out.println(width.fit(style.bold("analyzer demo") + " — the Secret Squirrels' secret, attacked on loopback",
                    2));
        }
    }

    @Override
    public void setup(String what, String detail) {
        title();
        out.println(width.fit("  " + pad(what, 15) + detail, 17));
        out.flush();
    }

    @Override
    public void stage(Stage stage, int number, int count) {
        String title = "━━ Stage " + number + "/" + count + " · " + stage.title() + " ";
        int rule = Math.min(RULE_WIDTH, width.columns());
        out.println();
        out.println(style.bold(title + "━".repeat(Math.max(0, rule - title.length()))));
        out.flush();
    }

    @Override
    public void line(String who, String what) {
        String label = pad(who, WHO_WIDTH);
        out.println(width.fit("  " + (who.equals("victim") ? style.cyan(label) : who.equals("proxy")
                || who.equals("attacker") ? style.yellow(label) : style.dim(label)) + what, 2 + WHO_WIDTH));
        out.flush();
    }

    @Override
    public void warning(String message, String hint) {
        title();
        out.println(width.fit(style.yellow("  ⚠ " + message), 4));
        if (hint != null) {
            out.println(width.fit("    " + hint, 4));
        }
        out.flush();
    }

    @Override
    public void stageDone(Stage stage, Map<Attack, AttackResult> results) {
        StringBuilder sb = new StringBuilder("  ⇒ ");
        boolean first = true;
        for (Map.Entry<Attack, AttackResult> e : results.entrySet()) {
            sb.append(first ? "" : " · ").append(e.getKey().label()).append(' ')
                    .append(outcome(e.getValue().outcome()));
            first = false;
        }
        out.println(width.fit(sb.toString(), 4));
        out.flush();
    }

    private String outcome(Outcome o) {
        return switch (o) {
            case SUCCEEDED -> style.red(o.label());
            case FAILED -> style.green(o.label());
            case DETECTED -> style.yellow(o.label());
            default -> style.dim(o.label());
        };
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
