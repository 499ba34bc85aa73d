package analyzer.web;

import analyzer.report.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's scoreboard as the page shows it while it fills: one column per stage, one row per attack, each cell
 * an outcome with its line of evidence and the flows that line rests on, and whether a stage is running. The
 * page's "run again" button comes back here, to the {@link StageRunner} the demo registered.
 */
public final class DemoBoard {

    /** Plays a stage again when the page asks. */
    @FunctionalInterface
    public interface StageRunner {
        /** @return null when the stage was started, otherwise why not ("a stage is running") */
        String rerun(String stageKey);
    }

    private record Column(String key, String title) {
    }

    private record Row(String key, String label) {
    }

    private record Cell(String outcome, String label, String evidence, List<String> flows) {
    }

    private final LiveView view;
    private final List<Column> columns = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
    private final Map<String, String> states = new LinkedHashMap<>();
    private StageRunner runner;
    private boolean busy;
    private String note;
    private long version;

    DemoBoard(LiveView view) {
        this.view = view;
    }

    long version() {
        return version;
    }

    /** A stage column, in story order; "waiting" until it starts. */
    public void stage(String key, String title) {
        synchronized (view.lock()) {
            if (columns.stream().noneMatch(c -> c.key().equals(key))) {
                columns.add(new Column(key, title));
                states.put(key, "waiting");
                changed();
            }
        }
    }

    /** An attack row, in the order the scoreboard lists them. */
    public void attack(String key, String label) {
        synchronized (view.lock()) {
            if (rows.stream().noneMatch(r -> r.key().equals(key))) {
                rows.add(new Row(key, label));
                changed();
            }
        }
    }

    /** The stage is being played (again): its cells empty and fill as its attacks are judged. */
    public void started(String stageKey) {
        synchronized (view.lock()) {
            cells.remove(stageKey);
            states.put(stageKey, "running");
            changed();
        }
    }

    /**
     * @param outcome "succeeded", "failed", "detected", "not_tried" or "unavailable": how the cell is coloured
     * @param label   what the cell says ("SUCCEEDED", "—")
     * @param flows   keys of the flows that are its evidence, as the page lists them
     */
    public void cell(String stageKey, String attackKey, String outcome, String label, String evidence,
                     List<String> flows) {
        synchronized (view.lock()) {
            cells.computeIfAbsent(stageKey, k -> new LinkedHashMap<>())
                    .put(attackKey, new Cell(outcome, label, evidence, List.copyOf(flows)));
            changed();
        }
    }

    public void finished(String stageKey) {
        synchronized (view.lock()) {
            states.put(stageKey, "done");
            changed();
        }
    }

    /** Whether the demo is playing stages (the buttons wait), and a line saying what it is doing. */
    public void busy(boolean busy, String note) {
        synchronized (view.lock()) {
            this.busy = busy;
            this.note = note;
            changed();
        }
    }

    /** Enables the page's "run again" buttons. */
    public void runner(StageRunner runner) {
        synchronized (view.lock()) {
            this.runner = runner;
            changed();
        }
    }

    /** The page's button: null when the stage was started, otherwise why not. */
    String rerun(String stageKey) {
        StageRunner r;
        synchronized (view.lock()) {
            if (columns.stream().noneMatch(c -> c.key().equals(stageKey))) {
                return "no stage '" + stageKey + "' in this demo";
            }
            if (runner == null) {
                return "stages can be run again once the demo has finished";
            }
            if (busy) {
                return "a stage is running";
            }
            r = runner;
        }
        return r.rerun(stageKey);
    }

    private void changed() {
        version = view.boardChanged();
    }

    /** Under the view's lock. */
    void json(JsonWriter json) {
        json.begin().field("busy", busy).field("rerun", runner != null).field("note", note);
        json.beginArray("stages");
        for (Column c : columns) {
            json.beginObjectElement().field("key", c.key()).field("title", c.title())
                    .field("state", states.get(c.key())).end();
        }
        json.endArray();
        json.beginArray("attacks");
        for (Row r : rows) {
            json.beginObjectElement().field("key", r.key()).field("label", r.label()).end();
        }
        json.endArray();
        json.beginArray("cells");
        for (Map.Entry<String, Map<String, Cell>> stage : cells.entrySet()) {
            for (Map.Entry<String, Cell> e : stage.getValue().entrySet()) {
                Cell c = e.getValue();
                json.beginObjectElement().field("stage", stage.getKey()).field("attack", e.getKey())
                        .field("outcome", c.outcome()).field("label", c.label()).field("evidence", c.evidence());
                json.beginArray("flows");
                c.flows().forEach(json::value);
                json.endArray().end();
            }
        }
        json.endArray();
        json.end();
    }
}
