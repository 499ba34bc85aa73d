package analyzer.web;

import analyzer.workshop.Demo;
import analyzer.workshop.Scoreboard;
import analyzer.workshop.Stage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The page's "run again" buttons, once the demo has played every stage: a stage is replayed on a thread of its
 * own, one at a time (a second click while one runs is refused), its cells filling again on the page.
 */
public final class StageReplays implements AutoCloseable {

    static final String READY = "every stage played · click a cell for its evidence, ↻ to run a stage again";

    private final DemoBoard board;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "demo-replay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param afterEach told the scoreboard after each replay (the terminal prints it again)
     * @param problems  told when a replay could not be played
     */
    public StageReplays(Demo demo, DemoBoard board, Consumer<Scoreboard> afterEach, Demo.Narration problems) {
        this.board = board;
        board.busy(false, READY);
        board.runner(key -> {
            Stage stage;
            try {
                stage = Stage.of(key);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            if (!running.compareAndSet(false, true)) {
                return "a stage is running";
            }
            board.busy(true, "playing " + stage.title() + " again");
            worker.submit(() -> {
                try {
                    demo.replay(stage);
                    afterEach.accept(demo.scoreboard());
                } catch (Demo.DemoException | RuntimeException e) {
                    problems.warning("the stage could not be played again: " + e.getMessage(), null);
                } finally {
                    running.set(false);
                    board.busy(false, READY);
                }
            });
            return null;
        });
    }

    /** No more replays; one under way is let finish, so its server, proxies and capture are closed. */
    @Override
    public void close() {
        board.runner(null);
        worker.shutdown();
        try {
            worker.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
