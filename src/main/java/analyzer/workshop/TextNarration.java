package analyzer.workshop;

import analyzer.report.Style;
import java.io.PrintWriter;
import java.util.Map;

/** Tells the demo's story on a terminal: one aligned line per thing that happened, a rule between stages. */
public final class TextNarration implements Demo.Narration {

    private static final int WHO_WIDTH = 10;
    private static final int RULE_WIDTH = 78;

    private final PrintWriter out;
    private final Style style;
    private boolean titled;

    public TextNarration(PrintWriter out, Style style) {
        this.out = out;
        this.style = style;
    }

    /** The title, once, before whatever is told first (a warning about the port can come before the setup). */
    private void title() {
        if (!titled) {
            titled = true;
            out.println(style.bold("analyzer demo") + " — the Secret Squirrels' secret, attacked on loopback");
        }
    }

    @Override
    public void setup(String what, String detail) {
        title();
        out.println("  " + pad(what, 15) + detail);
        out.flush();
    }

    @Override
    public void stage(Stage stage, int number, int count) {
        String title = "━━ Stage " + number + "/" + count + " · " + stage.title() + " ";
        out.println();
        out.println(style.bold(title + "━".repeat(Math.max(3, RULE_WIDTH - title.length()))));
        out.flush();
    }

    @Override
    public void line(String who, String what) {
        String label = pad(who, WHO_WIDTH);
        out.println("  " + (who.equals("victim") ? style.cyan(label) : who.equals("proxy") || who.equals("attacker")
                ? style.yellow(label) : style.dim(label)) + what);
        out.flush();
    }

    @Override
    public void warning(String message, String hint) {
        title();
        out.println(style.yellow("  ⚠ " + message));
        if (hint != null) {
            out.println("    " + hint);
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
        out.println(sb);
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
