package analyzer.web;

import analyzer.dissect.EventSink;
import analyzer.proxy.ProxyListener;
import analyzer.workshop.Attack;
import analyzer.workshop.AttackResult;
import analyzer.workshop.Demo;
import analyzer.workshop.EvidenceFlow;
import analyzer.workshop.Stage;
import analyzer.workshop.Witness;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo told on the page, alongside another narration (the terminal's): each stage's capture and proxies become
 * feeds of the flow list, and the scoreboard fills cell by cell, each cell pointing at the flows its evidence
 * names. Called from the demo's thread and, for the feeds, from the capture's and the proxies' threads.
 */
public final class WebNarration implements Demo.Narration {

    private final LiveView view;
    private final Demo.Narration also;
    private final DemoBoard board;
    /** The feeds of each stage's latest run: a cell's evidence flows are numbered by them. */
    private final Map<Stage, Map<Witness, Feed>> feeds = new EnumMap<>(Stage.class);

    /** @param also told everything first (the terminal's story); {@link Demo.Narration#SILENT} for nothing */
    public WebNarration(LiveView view, List<Stage> stages, Demo.Narration also) {
        this.view = view;
        this.also = also;
        this.board = view.demoBoard();
        for (Stage s : stages) {
            board.stage(s.key(), s.title());
        }
        for (Attack a : Attack.values()) {
            board.attack(a.key(), a.label());
        }
    }

    public DemoBoard board() {
        return board;
    }

    @Override
    public void setup(String what, String detail) {
        also.setup(what, detail);
        board.busy(true, what + ": " + detail);
    }

    @Override
    public synchronized void stage(Stage stage, int number, int count) {
        also.stage(stage, number, count);
        feeds.put(stage, new EnumMap<>(Witness.class));
        board.started(stage.key());
        board.busy(true, "stage " + number + "/" + count + " · " + stage.title());
    }

    @Override
    public void line(String who, String what) {
        also.line(who, what);
        board.busy(true, (who.isEmpty() ? "" : who + ": ") + what);
    }

    @Override
    public void warning(String message, String hint) {
        also.warning(message, hint);
        view.banner("⚠ " + message + (hint == null ? "" : " — " + hint), "warn");
    }

    @Override
    public synchronized EventSink wire(Stage stage) {
        Feed feed = feed(stage, Witness.WIRE, "wire");
        EventSink other = also.wire(stage);
        return other == null ? feed : event -> {
            other.accept(event);
            feed.accept(event);
        };
    }

    @Override
    public synchronized ProxyListener proxy(Stage stage, Witness witness) {
        Feed feed = feed(stage, witness, "proxy");
        ProxyListener other = also.proxy(stage, witness);
        return other == null ? feed : ProxyListener.both(other, feed);
    }

    private Feed feed(Stage stage, Witness witness, String seenBy) {
        Feed feed = view.feed(seenBy, witness.label() + " · " + stage.title(), true);
        feeds.computeIfAbsent(stage, s -> new EnumMap<>(Witness.class)).put(witness, feed);
        return feed;
    }

    @Override
    public synchronized void result(Stage stage, Attack attack, AttackResult result) {
        also.result(stage, attack, result);
        List<String> keys = new ArrayList<>();
        Map<Witness, Feed> stageFeeds = feeds.getOrDefault(stage, Map.of());
        for (EvidenceFlow f : result.flows()) {
            Feed feed = stageFeeds.get(f.witness());
            if (feed != null) {
                keys.add(feed.number() + "-" + f.flowId());
            }
        }
        board.cell(stage.key(), attack.key(), result.outcome().name().toLowerCase(Locale.ROOT),
                result.outcome().label(), result.evidence(), keys);
    }

    @Override
    public void stageDone(Stage stage, Map<Attack, AttackResult> results) {
        also.stageDone(stage, results);
        board.finished(stage.key());
    }
}
