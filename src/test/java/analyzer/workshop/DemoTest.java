package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.Tshark;
import analyzer.cli.CommandRun;
import analyzer.cli.EightyColumnsTest;
import analyzer.report.Style;
import analyzer.report.TextWidth;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole workshop, end to end on loopback: every stage is played for real and the scoreboard must come out as
 * the story says. With capture permission (always in CI) the wire's evidence is part of it.
 */
@Timeout(180)
class DemoTest {

    @TempDir
    Path dir;

    /**
     * Records everything the demo tells, to check the story as well as the table, and tells it as the terminal would
     * at 80 columns.
     */
    static final class Transcript implements Demo.Narration {
        final List<String> lines = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final StringWriter at80 = new StringWriter();
        final TextNarration terminal = new TextNarration(new PrintWriter(at80), Style.COLOR,
                TextWidth.of(EightyColumnsTest.COLUMNS));

        @Override
        public synchronized void setup(String what, String detail) {
            terminal.setup(what, detail);
        }

        @Override
        public synchronized void stage(Stage stage, int number, int count) {
            terminal.stage(stage, number, count);
        }

        @Override
        public synchronized void line(String who, String what) {
            lines.add(who + ": " + what);
            terminal.line(who, what);
        }

        @Override
        public synchronized void warning(String message, String hint) {
            warnings.add(message);
            terminal.warning(message, hint);
        }

        @Override
        public synchronized void stageDone(Stage stage, Map<Attack, AttackResult> results) {
            terminal.stageDone(stage, results);
        }

        synchronized boolean said(String who, String fragment) {
            return lines.stream().anyMatch(l -> l.startsWith(who + ": ") && l.contains(fragment));
        }
    }

    static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    @Test
    void everyStageEndsAsTheStoryTells() throws Exception {
        Transcript story = new Transcript();
        Scoreboard board = new Demo(DemoConfig.defaults().withPreferredPort(0).withRecordDir(dir), story,
                Demo.Presenter.NONE).run();
        boolean wire = story.warnings.stream().noneMatch(w -> w.contains("cannot be captured"));
        if (ci()) {
            assertTrue(wire, "CI must capture the wire: " + story.warnings);
        }
        String transcript = String.join("\n", story.lines);
        // On a projector: the story and the scoreboard (its stages stacked) within 80 columns.
        EightyColumnsTest.assertFits("the demo's story", story.at80.toString(), EightyColumnsTest.COLUMNS);
        String stacked = board.renderText(Style.COLOR, TextWidth.of(EightyColumnsTest.COLUMNS));
        EightyColumnsTest.assertFits("the scoreboard", stacked, EightyColumnsTest.COLUMNS);
        assertTrue(board.renderText(Style.PLAIN, TextWidth.of(EightyColumnsTest.COLUMNS)).contains(
                "\nHTTPS, --insecure client\n"), stacked);

        assertOutcome(board, Stage.HTTP, Attack.EAVESDROP, Outcome.SUCCEEDED, transcript);
        assertOutcome(board, Stage.HTTP, Attack.TAMPER, Outcome.SUCCEEDED, transcript);
        assertOutcome(board, Stage.HTTP, Attack.SESSION_HIJACK, Outcome.SUCCEEDED, transcript);
        assertOutcome(board, Stage.FERNET, Attack.EAVESDROP, Outcome.FAILED, transcript);
        assertOutcome(board, Stage.FERNET, Attack.TAMPER, Outcome.DETECTED, transcript);
        assertOutcome(board, Stage.FERNET, Attack.SESSION_HIJACK, Outcome.NOT_TRIED, transcript);
        assertOutcome(board, Stage.HTTPS_PINNED, Attack.EAVESDROP, Outcome.FAILED, transcript);
        assertOutcome(board, Stage.HTTPS_PINNED, Attack.TAMPER, Outcome.FAILED, transcript);
        assertOutcome(board, Stage.HTTPS_PINNED, Attack.SESSION_HIJACK, Outcome.FAILED, transcript);
        assertOutcome(board, Stage.HTTPS_INSECURE, Attack.EAVESDROP, Outcome.SUCCEEDED, transcript);
        assertOutcome(board, Stage.HTTPS_INSECURE, Attack.TAMPER, Outcome.SUCCEEDED, transcript);
        assertOutcome(board, Stage.HTTPS_INSECURE, Attack.SESSION_HIJACK, Outcome.SUCCEEDED, transcript);
        assertOutcome(board, Stage.HTTPS_STOLEN_KEY, Attack.EAVESDROP, wire ? Outcome.SUCCEEDED : Outcome.UNAVAILABLE,
                transcript);

        // What the victims printed, and what the attacker's proxies reported.
        assertTrue(story.said("victim", "The secret message is: fluffy tail"), transcript);
        assertTrue(story.said("victim", "The secret message is: squirrel party"), transcript);
        assertTrue(story.said("victim", "InvalidToken"), transcript);
        // Our client, curl and Python's requests refuse the forged certificate in the same (OpenSSL's) words.
        assertTrue(story.said("victim", "certificate verify failed: self-signed certificate in certificate chain"),
                transcript);
        if (ci()) {
            assertTrue(story.said("curl", "curl: (60) SSL certificate problem: self-signed certificate in certificate"
                    + " chain"), transcript);
            assertTrue(story.said("requests", "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed:"
                    + " self-signed certificate in certificate chain"), transcript);
            assertTrue(story.said("", "the same failure, in the same words"), transcript);
        }
        assertTrue(story.said("proxy", "ATTACK FAILED"), transcript);
        assertTrue(story.said("proxy", "TAMPERED"), transcript);
        assertTrue(board.result(Stage.HTTPS_PINNED, Attack.TAMPER).evidence().startsWith("forged cert rejected ("),
                board.renderJson());
        assertTrue(board.result(Stage.HTTP, Attack.SESSION_HIJACK).evidence().contains("got alice's page"),
                board.renderJson());

        if (wire) {
            // The wire's own evidence: the secret in clear over HTTP, in no byte over pinned HTTPS.
            assertTrue(board.result(Stage.HTTP, Attack.EAVESDROP).evidence().contains("\"fluffy tail\" frame"),
                    board.renderJson());
            assertTrue(board.result(Stage.HTTPS_PINNED, Attack.EAVESDROP).evidence().matches("saw \\d+ TLS records,"
                    + " no secret"), board.renderJson());
            assertTrue(story.lines.stream().anyMatch(l -> l.startsWith("wire: ") && l.contains("TLS records; \"fluffy"
                    + " tail\" in no captured byte")), transcript);
            for (Stage stage : Stage.values()) {
                assertTrue(Files.size(dir.resolve("demo-" + stage.key() + ".pcapng")) > 24, stage.key());
            }
            // The recordings name what happened where, as comments Wireshark and tshark show.
            String http = String.join("\n", Tshark.fields(dir.resolve("demo-http.pcapng"), "frame.comment",
                    "frame.comment"));
            for (String said : List.of("EAVESDROP: the attacker's proxy read GET / ← 200 \"fluffy tail\"",
                    "TAMPERED: the attacker's proxy rewrote the response body \"fluffy tail\" → \"squirrel party\"",
                    "SECRET SEEN: \"fluffy tail\"", "CREDENTIALS IN CLEAR: password=", "SESSION HIJACK: the attacker"
                    + " replays the stolen session=")) {
                assertTrue(http.contains(said), said + " in\n" + http);
            }
            String pinnedComments = String.join("\n", Tshark.fields(dir.resolve("demo-https-pinned.pcapng"),
                    "frame.comment", "frame.comment"));
            assertTrue(pinnedComments.contains("ATTACK FAILED: the client rejected the forged certificate for"
                    + " localhost"), pinnedComments);
            assertFalse(pinnedComments.contains("SECRET SEEN"), pinnedComments);
            // The HTTPS recordings carry their TLS keys: tshark reads inside with no key log of its own, and the
            // demo shows the alert our pinned client sent encrypted under TLS 1.3.
            assertTrue(Files.size(dir.resolve("demo-https-pinned.keys")) > 0);
            List<String> inside = Tshark.fields(dir.resolve("demo-https-pinned.pcapng"), "http.response",
                    "http.file_data");
            assertTrue(inside.contains("fluffy tail"), inside.toString());
            assertTrue(story.said("wire", "opened with those keys: alert certificate_unknown from the client, sent"
                    + " encrypted, frame"), transcript);
            // The recordings say the same to 'check': plaintext over HTTP, only TLS over pinned HTTPS.
            CommandRun httpCheck = CommandRun.of("check", "--read", dir.resolve("demo-http.pcapng").toString(),
                    "--secret", "fluffy tail", "--color", "never");
            assertEquals(1, httpCheck.code(), httpCheck.out() + httpCheck.err());
            assertTrue(httpCheck.out().contains("\"fluffy tail\""), httpCheck.out());
            CommandRun pinned = CommandRun.of("check", "--read", dir.resolve("demo-https-pinned.pcapng").toString(),
                    "--secret", "fluffy tail", "--color", "never");
            assertEquals(0, pinned.code(), pinned.out() + pinned.err());
            assertTrue(pinned.out().contains("ENCRYPTED — every connection with data was TLS"), pinned.out());
            assertTrue(pinned.out().contains("inside TLS    \"fluffy tail\""), "its keys open it: " + pinned.out());
        }
    }

    /**
     * The stolen-key stage: the recorded session with RSA key exchange opens with the server's key, the ECDHE one
     * does not; the recording and the key left behind tell the same to `analyzer read`.
     */
    @Test
    void aStolenServerKeyOpensTheRecordedRsaSessionButNotTheEcdheOne() throws Exception {
        Transcript story = new Transcript();
        Scoreboard board = new Demo(DemoConfig.defaults().withStages(List.of(Stage.HTTPS_STOLEN_KEY))
                .withPreferredPort(0).withRecordDir(dir), story, Demo.Presenter.NONE).run();
        boolean wire = story.warnings.stream().noneMatch(w -> w.contains("cannot be captured"));
        if (ci()) {
            assertTrue(wire, "CI must capture the wire: " + story.warnings);
        }
        String transcript = String.join("\n", story.lines);
        assertEquals(2, story.lines.stream().filter(l -> l.equals("victim: The secret message is: fluffy tail"))
                .count(), transcript);
        assertOutcome(board, Stage.HTTPS_STOLEN_KEY, Attack.TAMPER, Outcome.NOT_TRIED, transcript);
        if (!wire) {
            assertOutcome(board, Stage.HTTPS_STOLEN_KEY, Attack.EAVESDROP, Outcome.UNAVAILABLE, transcript);
            assertOutcome(board, Stage.HTTPS_STOLEN_KEY, Attack.SESSION_HIJACK, Outcome.UNAVAILABLE, transcript);
            return;
        }
        // The login went over the RSA session too: its cookie, read with the key, opens alice's page.
        assertOutcome(board, Stage.HTTPS_STOLEN_KEY, Attack.SESSION_HIJACK, Outcome.SUCCEEDED, transcript);
        assertTrue(board.result(Stage.HTTPS_STOLEN_KEY, Attack.SESSION_HIJACK).evidence().contains("got alice's page"),
                board.renderJson());
        assertOutcome(board, Stage.HTTPS_STOLEN_KEY, Attack.EAVESDROP, Outcome.SUCCEEDED, transcript);
        String evidence = board.result(Stage.HTTPS_STOLEN_KEY, Attack.EAVESDROP).evidence();
        assertTrue(evidence.matches("stolen key opened the RSA key exchange session: \"fluffy tail\" in frames?"
                + " \\[?[\\d, ]+]?; ECDHE stayed shut \\(forward secrecy\\)"), evidence);
        assertTrue(story.said("wire", "\"fluffy tail\" in no readable byte"), transcript);
        assertTrue(story.said("wire", "(RSA key exchange): decrypted with the server key stolen from localhost (RSA key"
                + " exchange, TLS 1.2, TLS_RSA_WITH_"), transcript);
        assertTrue(story.said("wire", "(ECDHE): not decrypted: forward secrecy (TLS 1.3): the server key alone cannot"
                + " open it"), transcript);
        EightyColumnsTest.assertFits("the demo's story", story.at80.toString(), EightyColumnsTest.COLUMNS);

        Path recording = dir.resolve("demo-https-stolen-key.pcapng");
        Path key = dir.resolve("demo-https-stolen-key.server-key.pem");
        assertTrue(story.said("wire", "analyzer read " + recording + " --server-key " + key), transcript);
        CommandRun without = CommandRun.of("read", recording.toString(), "--format", "json");
        assertEquals(0, without.code(), without.err());
        assertFalse(without.out().contains("fluffy tail"), without.out());
        CommandRun with = CommandRun.of("read", recording.toString(), "--server-key", key.toString(), "--format",
                "json");
        assertEquals(0, with.code(), with.err());
        assertEquals(1, with.out().lines().filter(l -> l.contains("\"event\":\"http.response\"")
                && l.contains("fluffy tail")).count(), with.out());
        assertTrue(with.out().contains("\"tls.decryption.outcome\":\"forward_secrecy\""), with.out());
        // tshark, given the same stolen key, opens the same session and no other.
        ExternalCommand.require("tshark");
        ExternalCommand.Result tshark = ExternalCommand.run(java.time.Duration.ofSeconds(60), List.of("tshark", "-n",
                "-r", recording.toString(), "-o", "uat:rsa_keys:\"" + key + "\",\"\"", "-Y", "http.response",
                "-T", "fields", "-e", "tcp.stream", "-e", "http.file_data"));
        assertEquals(0, tshark.code(), tshark.output());
        List<String> opened = tshark.output().lines().filter(l -> !l.startsWith("Running as")).toList();
        assertTrue(opened.contains("0\tfluffy tail"), tshark.output());
        // The second connection, ECDHE, stays shut for tshark too; the third is the login, resuming the first.
        assertEquals(List.of("0", "2"), opened.stream().map(l -> l.split("\t")[0]).toList(), tshark.output());
    }

    @Test
    void oneStageFromTheCommandLineAsJson() {
        List<String> args = new ArrayList<>(List.of("demo", "--stage", "https-pinned", "--port", "0", "--format",
                "json"));
        CommandRun r = CommandRun.of(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        com.google.gson.JsonObject board = com.google.gson.JsonParser.parseString(r.out().strip()).getAsJsonObject();
        assertEquals("demo.scoreboard", board.get("event").getAsString());
        com.google.gson.JsonArray cells = board.getAsJsonArray("scoreboard");
        assertEquals(3, cells.size(), r.out());
        for (com.google.gson.JsonElement cell : cells) {
            assertEquals("https-pinned", cell.getAsJsonObject().get("stage").getAsString());
            assertEquals("failed", cell.getAsJsonObject().get("outcome").getAsString(), r.out());
        }
    }

    @Test
    void badOptionsAreOneLineErrors() {
        CommandRun stage = CommandRun.of("demo", "--stage", "ftp");
        assertEquals(2, stage.code());
        assertTrue(stage.err().startsWith("analyzer: unknown stage 'ftp' (stages: http, fernet, https-pinned,"
                + " https-insecure, https-stolen-key)"), stage.err());
        CommandRun record = CommandRun.of("demo", "--record", dir.toString(), "--no-capture");
        assertEquals(2, record.code());
        assertTrue(record.err().contains("--record needs the capture"), record.err());
        CommandRun port = CommandRun.of("demo", "--port", "70000");
        assertEquals(2, port.code());
    }

    @Test
    void withoutTheWireTheStolenKeyStageIsLeftOutAndSaidSo() {
        CommandRun stolenOnly = CommandRun.of("demo", "--no-capture", "--stage", "https-stolen-key");
        assertEquals(2, stolenOnly.code(), stolenOnly.err());
        assertTrue(stolenOnly.err().startsWith("analyzer: the https-stolen-key stage opens a recording of the wire"),
                stolenOnly.err());

        CommandRun withOthers = CommandRun.of("demo", "--no-capture", "--stage", "fernet,https-stolen-key");
        assertEquals(0, withOthers.code(), withOthers.out() + withOthers.err());
        String told = withOthers.out() + withOthers.err();
        assertTrue(told.contains("the https-stolen-key stage opens a recording of the wire with the stolen key, and"
                + " the wire is not captured here: left out"), told);
        assertTrue(withOthers.out().contains("Stage 1/1"), withOthers.out());
        assertFalse(withOthers.out().contains("n/a"), "no cell of a stage that was not played: " + withOthers.out());
    }

    private static void assertOutcome(Scoreboard board, Stage stage, Attack attack, Outcome expected, String story) {
        AttackResult r = board.result(stage, attack);
        assertTrue(r != null, stage + " " + attack + " missing");
        assertEquals(expected, r.outcome(), stage.key() + " " + attack.key() + ": " + r.evidence() + "\n" + story);
        assertFalse(r.evidence().isBlank(), stage + " " + attack + " has no evidence");
    }
}
