package analyzer.cli;

import analyzer.capture.CaptureException;
import analyzer.capture.HostSystem;
import analyzer.report.TextWidth;
import analyzer.workshop.Demo;
import analyzer.workshop.DemoConfig;
import analyzer.workshop.Guide;
import analyzer.workshop.Outcome;
import analyzer.workshop.Scoreboard;
import analyzer.workshop.Stage;
import analyzer.workshop.TextNarration;
import analyzer.web.StageReplays;
import analyzer.web.WebNarration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The workshop in one command: the story's stages played on loopback, then a scoreboard.",
            "In each stage the secret server, a victim client, the attacker's proxies and a sniffer on the wire play"
                + " their parts; the scoreboard shows which attacks worked, with the evidence.",
            "Stages: http (plain HTTP), fernet (symmetric encryption with a shared key), https-pinned (HTTPS, the"
                + " client trusts only the club's CA), https-insecure (HTTPS, a client that trusts anything),"
                + " https-stolen-key (the server's key stolen: recorded TLS with RSA key exchange opens, ECDHE does"
                + " not).",
            "Attacks: eavesdrop (read the secret), tamper (change what the client gets), session hijack (steal and"
                + " replay the login cookie)."},
        footer = {"", "Exit: 0 every stage played · 1 a stage could not be played (a cell reads n/a) · 2 usage error.",
            "The wire is captured when permitted (root, or setcap on java); otherwise the proxies' evidence alone"
                + " decides.",
            "", "Examples:",
            "  sudo ./analyzer demo",
            "  ./analyzer demo --stage https-pinned --pause",
            "  sudo ./analyzer demo --record captures/ --format json",
            "  sudo ./analyzer demo --guide"})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--stage", paramLabel = "NAME", split = ",",
            description = "Run only these stages (repeatable or comma-separated): http, fernet, https-pinned,"
                    + " https-insecure, https-stolen-key. Default: all, in that order.")
    List<String> stageNames = new ArrayList<>();

    @Option(names = "--guide", description = "Hands-on: show each command of the story to type in another terminal,"
            + " watch loopback until it has its effect, say what happened, go on. Ctrl-C leaves (needs capture"
            + " permission).")
    boolean guide;

    @Option(names = "--pki", paramLabel = "DIR", defaultValue = "pki",
            description = "With --guide: where the steps make the club's CA and the server's certificate"
                    + " (default: ${DEFAULT-VALUE}).")
    Path pkiDir;

    @Option(names = "--pause", description = "Wait for Enter before each stage after the first (for a presenter).")
    boolean pause;

    @Option(names = "--record", paramLabel = "DIR",
            description = "Write each stage's capture to DIR/demo-STAGE.pcapng, with comments on the frames where"
                    + " the attacks show, and for HTTPS stages their TLS keys inside (and in DIR/demo-STAGE.keys)"
                    + " (needs capture permission).")
    Path record;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "5683",
            description = "The secret server's port when it is free, else an ephemeral one; 0 for ephemeral"
                    + " (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--no-capture", description = "Do not capture the wire; judge from the proxies' evidence alone.")
    boolean noCapture;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text tells the story and ends with the scoreboard; json prints only the scoreboard as one"
                    + " object (default: ${DEFAULT-VALUE}).")
    OutputOptions.Format format;

    @Option(names = "--color", defaultValue = "auto", paramLabel = "auto|always|never",
            description = "Colour: auto = only on a terminal and when NO_COLOR is unset (default: ${DEFAULT-VALUE}).")
    String color;

    @Mixin
    WebOptions web;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OutputOptions output = new OutputOptions();
        output.color = color;
        output.validate();
        if (port < 0 || port > 65535) {
            throw new UserError("--port must be between 0 and 65535, not " + port);
        }
        List<Stage> stages = new ArrayList<>();
        for (String name : stageNames) {
            Stage stage;
            try {
                stage = Stage.of(name);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            if (!stages.contains(stage)) {
                stages.add(stage);
            }
        }
        if (stages.isEmpty()) {
            stages.addAll(List.of(Stage.values()));
        } else {
            stages.sort(null); // story order, whatever order they were given in
        }
        if (record != null && noCapture) {
            throw new UserError("--record needs the capture; drop --no-capture");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (guide) {
            return guide(output, out);
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--pki")) {
            throw new UserError("--pki goes with --guide (where the guided steps make the certificates)");
        }
        boolean json = format == OutputOptions.Format.json;
        TextWidth width = Main.width(spec);
        Demo.Narration narration = json ? warningsTo(err, width) : new TextNarration(out, output.style(), width);
        DemoConfig config = DemoConfig.defaults().withStages(stages).withPreferredPort(port).withRecordDir(record)
                .withWire(!noCapture);
        try (WebSession page = WebSession.startIf(web, "demo · the Secret Squirrels' secret, attacked on loopback",
                List.of(config.secret()), output.showSecrets, spec)) {
            WebNarration onPage = page == null ? null : new WebNarration(page.view(), stages, narration);
            Demo demo = new Demo(config, onPage == null ? narration : onPage,
                    pause ? presenter(out) : Demo.Presenter.NONE);
            if (page != null) {
                awaitPage(page, err);
            }
            Scoreboard board;
            try {
                board = demo.run();
            } catch (Demo.DemoException e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage(), e.hint(), e);
            }
            printScoreboard(board, output, width, out);
            if (onPage != null) {
                // Until Ctrl-C, the page's buttons replay stages; the terminal tells it and prints the board again.
                try (StageReplays replays = new StageReplays(demo, onPage.board(),
                        replayed -> printScoreboard(replayed, output, width, out), narration)) {
                    page.linger("demo over · click a scoreboard cell for its evidence, ↻ to run a stage again",
                            "info", err);
                }
                board = demo.scoreboard();
            }
            return board.contains(Outcome.UNAVAILABLE) ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
        }
    }

    /** The story by hand: {@link Guide} shows the commands, the attendee types them. */
    private int guide(OutputOptions output, PrintWriter out) {
        List<String> alone = new ArrayList<>();
        if (!stageNames.isEmpty()) {
            alone.add("--stage");
        }
        if (pause) {
            alone.add("--pause");
        }
        if (record != null) {
            alone.add("--record");
        }
        if (noCapture) {
            alone.add("--no-capture");
        }
        if (format == OutputOptions.Format.json) {
            alone.add("--format json");
        }
        if (web != null && web.enabled()) {
            alone.add("--web");
        }
        if (!alone.isEmpty()) {
            throw new UserError("--guide walks the whole story by hand; it does not combine with "
                    + String.join(", ", alone));
        }
        String launcher = Invocation.command();
        boolean windows = HostSystem.current() == HostSystem.WINDOWS;
        Guide walk = new Guide(Guide.Plan.choose(launcher, windows ? launcher : "sudo " + launcher, port, pkiDir),
                out, output.style(), Main.width(spec), windows ? " ^" : " \\");
        InterruptHandler interrupt = InterruptHandler.install(walk::leave);
        try {
            walk.run();
            return ExitCodes.OK;
        } catch (CaptureException e) {
            throw new UserError(ExitCodes.USAGE, "the guide watches loopback and cannot: " + e.getMessage(),
                    e.hint(), e);
        } finally {
            interrupt.uninstall();
        }
    }

    private void printScoreboard(Scoreboard board, OutputOptions output, TextWidth width, PrintWriter out) {
        if (format == OutputOptions.Format.json) {
            out.println(board.renderJson());
        } else {
            out.println();
            out.println(width.fit(output.style().bold("Scoreboard") + "  (from the attacker's side: SUCCEEDED is bad"
                    + " news)", 2));
            out.print(board.renderText(output.style(), width));
        }
        out.flush();
    }

    /** Gives the room a moment to open the page before the first stage, so they see the scoreboard fill. */
    private static void awaitPage(WebSession page, PrintWriter err) {
        err.println("waiting for the page to connect (at most " + PAGE_WAIT.toSeconds() + " s)…");
        err.flush();
        try {
            page.web().awaitPage(PAGE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final java.time.Duration PAGE_WAIT = java.time.Duration.ofSeconds(30);

    private static Demo.Narration warningsTo(PrintWriter err, TextWidth width) {
        return new Demo.Narration() {
            @Override
            public void warning(String message, String hint) {
                err.println(width.fit("analyzer: " + message, 2));
                if (hint != null) {
                    err.println(width.fit("  " + hint, 4));
                }
                err.flush();
            }
        };
    }

    private static Demo.Presenter presenter(PrintWriter out) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean[] endOfInput = {false};
        return next -> {
            if (endOfInput[0]) {
                return;
            }
            out.print("\n  Press Enter for the next stage: " + next.title() + " … ");
            out.flush();
            try {
                if (in.readLine() == null) {
                    endOfInput[0] = true;
                }
            } catch (IOException e) {
                endOfInput[0] = true;
            }
        };
    }
}
