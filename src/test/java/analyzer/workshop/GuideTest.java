package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import analyzer.capture.CaptureException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyzer demo --guide} driven as an attendee would: every command it shows is typed (run as its own JVM,
 * in the terminal it names, stopping what ran there when told to), and the guide must see each one's effect on
 * loopback and go on to the end. Needs capture permission (skipped without it, except in CI).
 */
@Timeout(400)
class GuideTest {

    private static final Pattern TERMINAL = Pattern.compile("^\\s*In terminal (\\d)(, (.*), then)?:$");
    /** Commands that run until stopped; the others finish by themselves. */
    private static final Set<String> LONG_RUNNING = Set.of("server", "proxy", "capture");
    private static final Duration STEP = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static void requireCapture() {
        try {
            WireTap.start(List.of(1), null, UnaryOperator.identity()).close();
        } catch (CaptureException e) {
            if ("true".equals(System.getenv("CI"))) {
                fail("live capture must work in CI: " + e.getMessage());
            }
            Assumptions.abort("live capture not permitted here: " + e.getMessage());
        }
    }

    @Test
    void typingEachShownCommandWalksTheWholeStory() throws Exception {
        requireCapture();
        Map<String, String> environment = Map.of("ANALYZER_CA_PASSPHRASE", "acorns and hazelnuts");
        Map<Integer, ExternalCommand.Running> terminals = new HashMap<>();
        List<String> told = new ArrayList<>();
        List<String> clientOutputs = new ArrayList<>();
        try (ExternalCommand.Running guide = ExternalCommand.start(dir, Map.of(),
                ExternalCommand.analyzer("demo", "--guide", "--port", "0", "--width", "80", "--color", "never"))) {
            while (true) {
                String line = next(guide, told, terminals, clientOutputs);
                if (line.startsWith("That is the whole story")) {
                    break;
                }
                Matcher m = TERMINAL.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                int terminal = Integer.parseInt(m.group(1));
                String typed = next(guide, told, terminals, clientOutputs).strip();
                while (typed.endsWith(" \\")) { // wrapped to fit: the shell's line continuation, as pasted
                    typed = typed.substring(0, typed.length() - 2) + " "
                            + next(guide, told, terminals, clientOutputs).strip();
                }
                List<String> words = words(typed);
                ExternalCommand.Running before = terminals.remove(terminal);
                if (before != null) {
                    assertTrue(m.group(3) != null && m.group(3).contains("(Ctrl-C)"),
                            "terminal " + terminal + " is busy and the guide did not say to stop it: " + line);
                    before.stop(Duration.ofSeconds(30));
                }
                List<String> command = ExternalCommand.analyzer(words.toArray(String[]::new));
                if (LONG_RUNNING.contains(words.get(0))) {
                    ExternalCommand.Running started = ExternalCommand.start(dir, environment, command);
                    terminals.put(terminal, started);
                    if (words.get(0).equals("capture")) {
                        // As an attendee would, wait for it to say it captures before typing the next command.
                        awaitStderr(started, "Capturing on", STEP);
                    }
                } else {
                    ExternalCommand.Result result = ExternalCommand.run(dir, environment, Duration.ofSeconds(60),
                            command);
                    clientOutputs.add(typed + "\n" + result.output());
                }
            }
            for (String line : told) {
                assertTrue(line.codePointCount(0, line.length()) <= 80, "over 80 columns: " + line);
            }
            String story = String.join("\n", told).replace(" \\\n", " ").replaceAll("\n +", " ");
            assertEquals(10, told.stream().filter(l -> l.startsWith("  ✓ ")).count(), story);
            assertTrue(story.contains("The answer crossed loopback in clear: \"The secret message is: fluffy tail\"")
                    || story.contains("The answer crossed loopback in clear: \"fluffy tail\""), story);
            assertTrue(story.contains("the member got \"") && story.contains("squirrel party"), story);
            assertTrue(story.contains("The member refused the forged certificate"), story);
            assertTrue(story.contains("The handshake completed"), story);
            String clients = String.join("\n", clientOutputs);
            assertTrue(clients.contains("certificate verify failed"), clients);
            // The eavesdropper's terminal saw the secret in clear when it crossed over HTTP.
            terminals.get(2).awaitLine("fluffy tail", Duration.ofSeconds(10));
            assertEquals(0, guide.stop(Duration.ofSeconds(30)));
        } finally {
            for (ExternalCommand.Running running : terminals.values()) {
                running.close();
            }
        }
    }

    @Test
    void ctrlCLeavesCleanly() throws Exception {
        requireCapture();
        try (ExternalCommand.Running guide = ExternalCommand.start(dir, Map.of(),
                ExternalCommand.analyzer("demo", "--guide", "--port", "0", "--width", "0", "--color", "never"))) {
            guide.awaitLine("waiting for a server", STEP);
            assertEquals(0, guide.stop(Duration.ofSeconds(20)));
            guide.awaitLine("Left the guide at step 1/10", Duration.ofSeconds(5));
        }
    }

    private static void awaitStderr(ExternalCommand.Running running, String marker, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running.stderr().contains(marker)) {
            if (System.nanoTime() > deadline) {
                fail("no '" + marker + "' within " + timeout + "; stderr:\n" + running.stderr());
            }
            Thread.sleep(50);
        }
    }

    /** The guide's next line; when it does not come, fails with everything every terminal printed so far. */
    private static String next(ExternalCommand.Running guide, List<String> told,
                               Map<Integer, ExternalCommand.Running> terminals, List<String> clientOutputs)
            throws InterruptedException {
        try {
            String line = guide.nextLine(STEP);
            told.add(line);
            return line;
        } catch (org.opentest4j.AssertionFailedError e) {
            StringBuilder all = new StringBuilder(e.getMessage()).append("\nguide:\n").append(String.join("\n", told));
            terminals.forEach((n, running) -> all.append("\nterminal ").append(n).append(" stderr:\n")
                    .append(running.stderr()));
            all.append("\nclients:\n").append(String.join("\n", clientOutputs));
            return fail(all.toString());
        }
    }

    /** A typed command line as a shell splits it (double quotes), without sudo and the launcher's name. */
    static List<String> words(String typed) throws IOException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : typed.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    words.add(word.toString());
                }
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        if (!words.isEmpty() && words.get(0).equals("sudo")) {
            words.remove(0);
        }
        if (words.isEmpty() || !words.get(0).equals("analyzer")) {
            throw new IOException("not a command of ours: " + typed);
        }
        words.remove(0);
        return words;
    }
}
