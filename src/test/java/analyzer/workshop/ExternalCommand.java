package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real programs for interop tests (curl, openssl, the analyzer launched as its own JVM), each bounded in time and
 * killed when the test is done with it. A missing tool fails the test in CI (.ci/run installs them) and skips it
 * elsewhere.
 */
public final class ExternalCommand {

    /** What a finished run printed (stdout and stderr together) and its exit code. */
    public record Result(int code, String output) {
    }

    private ExternalCommand() {
    }

    public static void require(String tool) {
        require(tool, tool.equals("openssl") ? "version" : "--version");
    }

    /** As {@link #require(String)}, for a tool that tells its version otherwise ("dig -v"). */
    public static void require(String tool, String versionArgument) {
        boolean present;
        try {
            Process p = new ProcessBuilder(tool, versionArgument)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // tshark alone loads its dissectors for seconds; on a loaded machine asking its version can take half a
            // minute, and a tool that is there must not be reported missing for that.
            present = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            p.destroyForcibly();
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            present = false;
        }
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                fail(tool + " is required in CI (.ci/run installs it)");
            }
            Assumptions.abort(tool + " is not installed");
        }
    }

    /** Runs to completion, stdin empty; fails the test if it takes longer than {@code timeout}. */
    public static Result run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        return run(null, Map.of(), timeout, command);
    }

    /** As {@link #run(Duration, List)}, in {@code directory} (null: ours) with {@code environment} added. */
    public static Result run(Path directory, Map<String, String> environment, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("analyzer-external", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        Process p = builder.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    /** A program that keeps running (a server) until {@link #close()}: its stdout lines, stderr collected. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
        private final StringBuffer errors = new StringBuffer();
        private final Thread out;
        private final Thread err;

        private Running(Process process) {
            this.process = process;
            out = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)), null), "external-stdout");
            err = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8)), errors), "external-stderr");
            out.setDaemon(true);
            err.setDaemon(true);
            out.start();
            err.start();
        }

        private void pump(BufferedReader reader, StringBuffer into) {
            try (reader) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (into != null) {
                        into.append(line).append('\n');
                    } else {
                        lines.offer(line);
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
        }

        /** The next stdout line that contains {@code marker}; fails the test after {@code timeout}. */
        public String awaitLine(String marker, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            StringBuilder seen = new StringBuilder();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.append(line).append('\n');
                    if (line.contains(marker)) {
                        return line;
                    }
                } else if (!process.isAlive() && lines.isEmpty()) {
                    break;
                }
            }
            return fail("no line with '" + marker + "' within " + timeout + "; stdout:\n" + seen + "stderr:\n"
                    + errors);
        }

        /** The next stdout line; fails the test after {@code timeout} or when the program ended without one. */
        public String nextLine(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line != null) {
                    return line;
                }
                if (!process.isAlive() && lines.isEmpty()) {
                    out.join(1_000);
                    if (lines.isEmpty()) {
                        break;
                    }
                }
            }
            return fail("no further line within " + timeout + "; stderr:\n" + errors);
        }

        public String stderr() {
            return errors.toString();
        }

        /** Asks it to stop (SIGTERM) and waits up to {@code timeout}; returns its exit code. */
        public int stop(Duration timeout) throws InterruptedException {
            // Through the handle: Process.destroy() would also close our ends of its pipes, losing its last words.
            process.toHandle().destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("did not stop within " + timeout + " of SIGTERM; stderr:\n" + errors);
            }
            // The pumps end at the end of its output: then everything it wrote last has been read.
            out.join(5_000);
            err.join(5_000);
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    public static Running start(Path directory, Map<String, String> environment, List<String> command)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        return new Running(builder.start());
    }

    /** The command line that runs the analyzer in its own JVM, from the test's own class path. */
    public static List<String> analyzer(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("analyzer.cli.Main");
        command.addAll(List.of(args));
        return command;
    }
}
