package analyzer.workshop;

import analyzer.report.JsonWriter;
import analyzer.report.Style;
import analyzer.report.TextWidth;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's closing table: one row per attack, one column per stage that ran, each cell the measured outcome
 * with its evidence. Filled in as the stages run; cells never filled stay absent rather than guessed.
 */
public final class Scoreboard {

    private static final int LABEL_WIDTH = 16;
    private static final int CELL_WIDTH = 24;
    /** Stacked: attacks indented under their stage, outcomes in a column as wide as the longest ("SUCCEEDED"). */
    private static final int STACK_INDENT = 2;
    private static final int OUTCOME_WIDTH = 11;

    private final List<Stage> stages = new ArrayList<>();
    private final Map<Stage, Map<Attack, AttackResult>> cells = new EnumMap<>(Stage.class);

    public void record(Stage stage, Attack attack, AttackResult result) {
        if (!stages.contains(stage)) {
            stages.add(stage);
        }
        cells.computeIfAbsent(stage, s -> new EnumMap<>(Attack.class)).put(attack, result);
    }

    public AttackResult result(Stage stage, Attack attack) {
        Map<Attack, AttackResult> row = cells.get(stage);
        return row == null ? null : row.get(attack);
    }

    /** Whether any cell has this outcome. */
    public boolean contains(Outcome outcome) {
        return cells.values().stream().anyMatch(row -> row.values().stream().anyMatch(r -> r.outcome() == outcome));
    }

    public List<Stage> stages() {
        return List.copyOf(stages);
    }

    /** The table for people, as wide as it needs to be (a file, a pipe, a wide terminal). */
    public String renderText(Style style) {
        return renderText(style, TextWidth.UNLIMITED);
    }

    /**
     * The scoreboard for people, fitted to {@code width}: a table with one column per stage when it fits (outcome on
     * the first line of a row, the evidence wrapped beneath it), else the stages stacked, one block each.
     */
    public String renderText(Style style, TextWidth width) {
        return width.columns() >= tableWidth() ? table(style) : stacked(style, width);
    }

    /** Columns the table takes: the label, then a cell per stage (the last one's trailing room is not printed). */
    int tableWidth() {
        return LABEL_WIDTH + CELL_WIDTH * stages.size();
    }

    private String table(Style style) {
        StringBuilder sb = new StringBuilder();
        sb.append(pad("", LABEL_WIDTH));
        for (Stage stage : stages) {
            sb.append(style.bold(stage.title())).append(" ".repeat(Math.max(1, CELL_WIDTH - stage.title().length())));
        }
        trimEnd(sb);
        sb.append('\n');
        for (Attack attack : Attack.values()) {
            List<List<String>> columns = new ArrayList<>();
            int height = 1;
            for (Stage stage : stages) {
                AttackResult r = result(stage, attack);
                List<String> lines = new ArrayList<>();
                lines.add(r == null ? "" : r.outcome().label());
                if (r != null) {
                    lines.addAll(TextWidth.fill(r.evidence(), CELL_WIDTH - 2));
                }
                columns.add(lines);
                height = Math.max(height, lines.size());
            }
            for (int line = 0; line < height; line++) {
                StringBuilder row = new StringBuilder(pad(line == 0 ? attack.label() : "", LABEL_WIDTH));
                for (int c = 0; c < columns.size(); c++) {
                    List<String> lines = columns.get(c);
                    String text = line < lines.size() ? lines.get(line) : "";
                    String shown = line == 0 ? colour(style, result(stages.get(c), attack), text)
                            : style.dim(text);
                    row.append(shown).append(" ".repeat(Math.max(1, CELL_WIDTH - TextWidth.displayWidth(text))));
                }
                trimEnd(row);
                sb.append(row).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * One block per stage, for a projector or a laptop at 80 columns: the stage's title, then a line per attack —
     * its outcome and the evidence, wrapped under the evidence column.
     */
    private String stacked(Style style, TextWidth width) {
        StringBuilder sb = new StringBuilder();
        int evidenceColumn = STACK_INDENT + LABEL_WIDTH + OUTCOME_WIDTH;
        for (Stage stage : stages) {
            sb.append(style.bold(stage.title())).append('\n');
            for (Attack attack : Attack.values()) {
                AttackResult r = result(stage, attack);
                if (r == null) {
                    continue;
                }
                String outcome = r.outcome().label();
                StringBuilder line = new StringBuilder(" ".repeat(STACK_INDENT)).append(pad(attack.label(), LABEL_WIDTH))
                        .append(colour(style, r, outcome)).append(" ".repeat(Math.max(1, OUTCOME_WIDTH - outcome.length())))
                        .append(style.dim(r.evidence()));
                sb.append(width.fit(line.toString(), evidenceColumn)).append('\n');
            }
        }
        return sb.toString();
    }

    /** One JSON object: {"scoreboard":[{"stage":…,"attack":…,"outcome":…,"evidence":…},…]}. */
    public String renderJson() {
        StringBuilder sb = new StringBuilder();
        JsonWriter json = new JsonWriter(sb);
        json.begin().field("event", "demo.scoreboard").beginArray("scoreboard");
        for (Stage stage : stages) {
            for (Attack attack : Attack.values()) {
                AttackResult r = result(stage, attack);
                if (r == null) {
                    continue;
                }
                json.beginObjectElement()
                        .field("stage", stage.key())
                        .field("attack", attack.key())
                        .field("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT))
                        .field("evidence", r.evidence())
                        .end();
            }
        }
        json.endArray().end();
        return sb.toString();
    }

    private static String colour(Style style, AttackResult r, String text) {
        if (r == null) {
            return text;
        }
        return switch (r.outcome()) {
            case SUCCEEDED -> style.red(text);
            case FAILED -> style.green(text);
            case DETECTED -> style.yellow(text);
            default -> style.dim(text);
        };
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    private static void trimEnd(StringBuilder sb) {
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
    }
}
