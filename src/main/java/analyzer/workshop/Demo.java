package analyzer.workshop;

import analyzer.capture.CaptureException;
import analyzer.dissect.EventSink;
import analyzer.pki.CertificateAuthority;
import analyzer.pki.ForgedCertificateAuthority;
import analyzer.pki.IssuedCertificate;
import analyzer.pki.KeyType;
import analyzer.pki.PkiException;
import analyzer.pki.SubjectName;
import analyzer.proxy.ProxyListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The workshop in one run: for each stage of the story, the secret server, a victim client, the attacker's proxies
 * and a sniffer on the wire are set up on loopback, the three attacks are tried, and what actually happened fills
 * the scoreboard. Nothing is decided in advance: each cell is judged from what the capture and the proxies saw and
 * what the victim's client printed.
 */
public final class Demo {

    /** Where the story is told as it happens (the terminal, or nothing for scripts). */
    public interface Narration {
        Narration SILENT = new Narration() {
        };

        /** Before the first stage: what runs where. */
        default void setup(String what, String detail) {
        }

        default void stage(Stage stage, int number, int count) {
        }

        /** One line of the story: who ("victim", "proxy", "wire", "attacker", "server") and what happened. */
        default void line(String who, String what) {
        }

        default void warning(String message, String hint) {
        }

        default void stageDone(Stage stage, Map<Attack, AttackResult> results) {
        }

        /** One cell of the scoreboard, as soon as its attack has been judged. */
        default void result(Stage stage, Attack attack, AttackResult result) {
        }

        /** Also gets every event the stage's capture sees, on the capture's thread; null for none. */
        default EventSink wire(Stage stage) {
            return null;
        }

        /** Also hears everything this proxy of the stage reports, on its I/O threads; null for nothing. */
        default ProxyListener proxy(Stage stage, Witness witness) {
            return null;
        }
    }

    /** Called between stages: a presenter's pause. */
    @FunctionalInterface
    public interface Presenter {
        Presenter NONE = next -> {
        };

        void beforeStage(Stage next);
    }

    /** The demo could not be set up at all (nothing to run it on). */
    public static final class DemoException extends Exception {
        private final String hint;

        DemoException(String message, String hint, Throwable cause) {
            super(message, cause);
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }

    static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(1);

    private final DemoConfig config;
    private final Narration narration;
    private final Presenter presenter;
    private final Scoreboard board = new Scoreboard();
    private Cast cast;

    public Demo(DemoConfig config, Narration narration, Presenter presenter) {
        this.config = Objects.requireNonNull(config, "config");
        this.narration = Objects.requireNonNull(narration, "narration");
        this.presenter = Objects.requireNonNull(presenter, "presenter");
    }

    /** Runs every configured stage and returns the filled scoreboard. */
    public Scoreboard run() throws DemoException {
        if (cast == null) {
            cast = cast();
        }
        List<Stage> stages = playable(config.stages());
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            if (i > 0) {
                presenter.beforeStage(stage);
            }
            play(stage, i + 1, stages.size());
        }
        return board;
    }

    /**
     * The stolen-key stage opens a recording of the wire with the stolen key: where the wire is not captured it has
     * nothing to open, so it is left out (said once) rather than shown as a stage that could not be played.
     */
    private List<Stage> playable(List<Stage> asked) throws DemoException {
        if (cast.wire() || !asked.contains(Stage.HTTPS_STOLEN_KEY)) {
            return asked;
        }
        List<Stage> rest = new ArrayList<>(asked);
        rest.remove(Stage.HTTPS_STOLEN_KEY);
        String why = "the " + Stage.HTTPS_STOLEN_KEY.key() + " stage opens a recording of the wire with the stolen"
                + " key, and the wire is not captured here";
        String how = "Play it where the wire can be captured: as root (or with setcap on java), without --no-capture.";
        if (rest.isEmpty()) {
            throw new DemoException(why, how, null);
        }
        narration.warning(why + ": left out", how);
        return rest;
    }

    /** Plays one stage again (the web page's button), its cells replacing the earlier ones on the scoreboard. */
    public Map<Attack, AttackResult> replay(Stage stage) throws DemoException {
        return play(stage, 1, 1);
    }

    /** The scoreboard as the stages played so far filled it. */
    public synchronized Scoreboard scoreboard() {
        return board;
    }

    private synchronized Map<Attack, AttackResult> play(Stage stage, int number, int count) throws DemoException {
        if (cast == null) {
            cast = cast();
        }
        narration.stage(stage, number, count);
        Map<Attack, AttackResult> results;
        if (stage == Stage.HTTPS_STOLEN_KEY) {
            try (StolenKeyRun run = StolenKeyRun.open(cast, config, narration)) {
                results = run.attack();
            }
        } else {
            try (StageRun run = StageRun.open(stage, cast, config, narration)) {
                results = run.attack();
            }
        }
        results.forEach((attack, result) -> board.record(stage, attack, result));
        narration.stageDone(stage, results);
        return results;
    }

    /**
     * Everything the stages share: the club's CA and the server's certificate, the attacker's forging CA, the
     * Fernet key, the server's port, and whether the wire can be captured.
     */
    record Cast(CertificateAuthority clubCa, IssuedCertificate serverCertificate, ForgedCertificateAuthority mitmCa,
                String fernetKey, int serverPort, boolean wire, Path recordDir) {
    }

    private Cast cast() throws DemoException {
        Path record = config.recordDir();
        if (record != null) {
            try {
                Files.createDirectories(record);
            } catch (IOException e) {
                throw new DemoException("cannot create the recording directory " + record + ": " + e.getMessage(),
                        "Give --record a directory you can write to.", e);
            }
        }
        int port = config.preferredPort();
        if (port != 0 && !LoopbackPorts.free(port)) {
            narration.warning("port " + port + " is in use: the secret server takes an ephemeral port instead", null);
            port = 0;
        }
        boolean wire = config.wire() && wireAvailable();
        CertificateAuthority club = CertificateAuthority.create(new SubjectName("Secret Squirrels CA",
                "Secret Squirrels", "US", null, null), KeyType.EC, CERTIFICATE_VALIDITY);
        IssuedCertificate server;
        try {
            server = club.issueServerCertificate(new SubjectName("localhost", "Secret Squirrels", "US", null, null),
                    List.of("DNS:localhost", "IP:127.0.0.1", "IP:::1"), KeyType.EC, CERTIFICATE_VALIDITY);
        } catch (PkiException e) {
            throw new DemoException("cannot issue the secret server's certificate: " + e.getMessage(), null, e);
        }
        narration.setup("secret server", "127.0.0.1:" + (port == 0 ? "(ephemeral port)" : port) + ", serving \""
                + config.secret() + "\"");
        narration.setup("club CA", "CN=Secret Squirrels CA signs the server's certificate for localhost;"
                + " pinned clients trust it alone");
        narration.setup("attacker", "reverse proxies in front of the server; forges certificates as CN="
                + ForgedCertificateAuthority.COMMON_NAME);
        narration.setup("wire", wire ? "capturing loopback on the stage's ports" + (record == null ? ""
                : ", recording to " + record) : "not captured (proxy evidence only)");
        return new Cast(club, server, ForgedCertificateAuthority.inMemory(), Fernet.generateKey(), port, wire,
                record);
    }

    /** Opens (and at once closes) a capture to learn whether this process may capture at all. */
    private boolean wireAvailable() {
        try {
            WireTap.start(List.of(1), null, factory -> factory).close();
            return true;
        } catch (CaptureException e) {
            narration.warning("the wire cannot be captured here (" + e.getMessage() + "): the attacker's proxies"
                    + " alone provide the evidence", e.hint());
            return false;
        }
    }
}
