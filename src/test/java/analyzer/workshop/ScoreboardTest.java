package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.report.Style;
import analyzer.report.TextWidth;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreboardTest {

    @Test
    void rowsPerAttackColumnsPerStageInTheOrderTheyRan() {
        Scoreboard board = new Scoreboard();
        board.record(Stage.HTTP, Attack.EAVESDROP, AttackResult.succeeded("saw \"fluffy tail\" frame 6"));
        board.record(Stage.HTTPS_PINNED, Attack.EAVESDROP, AttackResult.failed("saw 9 TLS records, no secret"));
        board.record(Stage.HTTP, Attack.TAMPER, AttackResult.succeeded("client got \"squirrel party\""));
        board.record(Stage.HTTPS_PINNED, Attack.TAMPER, AttackResult.failed("forged cert rejected (unknown_ca)"));

        String text = board.renderText(Style.PLAIN);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).trim().startsWith("HTTP"), text);
        assertTrue(lines.get(0).indexOf("HTTP") < lines.get(0).indexOf("HTTPS, pinned CA"), text);
        String eavesdrop = lines.stream().filter(l -> l.startsWith("eavesdrop")).findFirst().orElseThrow();
        assertTrue(eavesdrop.indexOf("SUCCEEDED") < eavesdrop.indexOf("FAILED"), eavesdrop);
        // The header and the outcomes line up column by column.
        assertEquals(lines.get(0).indexOf("HTTPS, pinned CA"), eavesdrop.indexOf("FAILED"), text);
        assertTrue(text.contains("saw \"fluffy tail\""), text);
        assertTrue(text.contains("(unknown_ca)"), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("session hijack")), text);
        assertFalse(text.contains("\u001b["), "plain style has no escape codes");
    }

    @Test
    void evidenceIsWrappedToTheColumnWidth() {
        List<String> lines = TextWidth.fill("saw 9 TLS records and an alert, never the secret in any byte", 22);
        assertTrue(lines.size() > 1);
        lines.forEach(l -> assertTrue(l.length() <= 22, l));
        assertEquals("saw 9 TLS records and an alert, never the secret in any byte", String.join(" ", lines));
        // A word longer than the cell is broken, never cut short.
        assertEquals(List.of("abcdefghij", "klmnop"), TextWidth.fill("abcdefghijklmnop", 10));
    }

    @Test
    void stagesStackWhenTheTableIsWiderThanTheTerminal() {
        Scoreboard board = fullBoard();
        assertTrue(board.tableWidth() > 80);
        String wide = board.renderText(Style.PLAIN, TextWidth.of(board.tableWidth()));
        assertTrue(wide.lines().findFirst().orElseThrow().contains("HTTPS, --insecure client"), wide);

        String stacked = board.renderText(Style.COLOR, TextWidth.of(80));
        String plain = stacked.replaceAll("\u001b\\[[0-9;]*m", "");
        for (String line : plain.split("\n")) {
            assertTrue(line.length() <= 80, "over 80 columns: " + line + "\n" + plain);
        }
        List<String> lines = plain.lines().toList();
        // One block per stage: its title, then one line per attack, the evidence wrapped under its own column.
        assertEquals("HTTP", lines.get(0), plain);
        assertTrue(lines.get(1).startsWith("  eavesdrop       SUCCEEDED  saw \"fluffy tail\""), plain);
        int evidence = lines.get(1).indexOf("saw");
        String continuation = lines.get(2);
        assertEquals(evidence, continuation.length() - continuation.stripLeading().length(), plain);
        assertTrue(lines.contains("HTTPS, pinned CA"), plain);
        assertTrue(plain.contains("  tamper          FAILED     forged cert rejected (certificate_unknown)"), plain);
        // Nothing of the evidence is lost to the narrower layout.
        String joined = plain.replaceAll("\\s+", " ");
        assertTrue(joined.contains("saw \"fluffy tail\" frames 11, 13, 31, 33; the proxy read it too, and the wire"
                + " carried it"), joined);
    }

    private static Scoreboard fullBoard() {
        Scoreboard board = new Scoreboard();
        String proof = "saw \"fluffy tail\" frames 11, 13, 31, 33; the proxy read it too, and the wire carried it";
        for (Stage stage : Stage.values()) {
            board.record(stage, Attack.EAVESDROP, AttackResult.succeeded(proof));
            board.record(stage, Attack.TAMPER, AttackResult.failed("forged cert rejected (certificate_unknown)"));
            board.record(stage, Attack.SESSION_HIJACK, AttackResult.succeeded("replayed session=321f… (frame 52):"
                    + " got alice's page"));
        }
        return board;
    }

    @Test
    void colourMarksWhoWon() {
        Scoreboard board = new Scoreboard();
        board.record(Stage.HTTP, Attack.EAVESDROP, AttackResult.succeeded("secret read"));
        board.record(Stage.FERNET, Attack.EAVESDROP, AttackResult.failed("token only"));
        String text = board.renderText(Style.COLOR);
        assertTrue(text.contains("\u001b[31mSUCCEEDED"), text);
        assertTrue(text.contains("\u001b[32mFAILED"), text);
    }

    @Test
    void jsonListsEveryRecordedCell() {
        Scoreboard board = new Scoreboard();
        board.record(Stage.FERNET, Attack.TAMPER, AttackResult.detected("client: InvalidToken"));
        board.record(Stage.FERNET, Attack.SESSION_HIJACK, AttackResult.notTried("no session at this stage"));
        assertEquals("{\"event\":\"demo.scoreboard\",\"scoreboard\":["
                + "{\"stage\":\"fernet\",\"attack\":\"tamper\",\"outcome\":\"detected\",\"evidence\":\"client: InvalidToken\"},"
                + "{\"stage\":\"fernet\",\"attack\":\"session_hijack\",\"outcome\":\"not_tried\","
                + "\"evidence\":\"no session at this stage\"}]}", board.renderJson());
    }

    @Test
    void stagesAreNamedTheWayPresentersTypeThem() {
        assertEquals(Stage.HTTPS_PINNED, Stage.of("https-pinned"));
        assertEquals(Stage.HTTPS_INSECURE, Stage.of("HTTPS_INSECURE"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Stage.of("ftp"));
        assertTrue(e.getMessage().contains("http, fernet, https-pinned, https-insecure"), e.getMessage());
    }
}
