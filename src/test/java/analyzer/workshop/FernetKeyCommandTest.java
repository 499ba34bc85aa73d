package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import analyzer.cli.CommandRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** `analyzer key fernet`, and its keys and tokens against Python's cryptography package where it is installed. */
class FernetKeyCommandTest {

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void printsANewUsableKeyEachTime() throws Exception {
        CommandRun first = run("key", "fernet");
        CommandRun second = run("key", "fernet");
        assertEquals(0, first.code(), first.err());
        String key = first.out().strip();
        assertEquals(44, key.length(), first.out());
        assertEquals(key + System.lineSeparator(), first.out(), "only the key, for $(analyzer key fernet)");
        assertNotEquals(key, second.out().strip());
        Fernet fernet = new Fernet(key);
        assertArrayEquals(new byte[] {1, 2, 3}, fernet.decrypt(fernet.encrypt(new byte[] {1, 2, 3})));
    }

    @Test
    void keyWithoutAKindIsAUsageError() {
        CommandRun r = run("key");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("analyzer: Missing subcommand"), r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
    }

    /** Tokens cross to Python's cryptography.fernet and back: the interoperability the spec's vectors promise. */
    @Test
    void interoperatesWithPythonCryptography() throws Exception {
        String key = run("key", "fernet").out().strip();
        String token = new Fernet(key).encrypt("fluffy tail".getBytes(StandardCharsets.UTF_8));
        String script = "import sys\nfrom cryptography.fernet import Fernet\n"
                + "f = Fernet(sys.argv[1].encode())\n"
                + "print(f.decrypt(sys.argv[2].encode()).decode())\n"
                + "print(f.encrypt(b'squirrel party').decode())\n";
        String[] lines = python(script, key, token);
        assertEquals("fluffy tail", lines[0]);
        assertEquals("squirrel party", new String(new Fernet(key).decrypt(lines[1]), StandardCharsets.UTF_8));
    }

    private static final String DEBIAN_PYTHON = "/usr/bin/python3";

    /** Interop with Python's Fernet is required in CI (.ci/run installs python3-cryptography); elsewhere optional. */
    private static void skipOutsideCi(String why) {
        if ("true".equals(System.getenv("CI"))) {
            fail(why + " (CI needs it: .ci/run installs python3-cryptography)");
        }
        Assumptions.abort(why);
    }

    private static String[] python(String script, String... args) throws IOException, InterruptedException {
        String[] command = new String[3 + args.length];
        // Debian's interpreter, which .ci/run gives the python3-cryptography package; a python3 earlier on PATH
        // (pyenv, a virtualenv) may lack it.
        command[0] = Files.isExecutable(Path.of(DEBIAN_PYTHON)) ? DEBIAN_PYTHON : "python3";
        command[1] = "-c";
        command[2] = script;
        System.arraycopy(args, 0, command, 3, args.length);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            skipOutsideCi("python3 is not installed");
            throw e;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "python3 finished");
        if (output.contains("No module named 'cryptography'")) {
            skipOutsideCi("Python's cryptography package is not installed");
        }
        assertEquals(0, p.exitValue(), output);
        return output.strip().split("\n");
    }
}
