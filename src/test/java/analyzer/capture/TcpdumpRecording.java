package analyzer.capture;

import analyzer.workshop.ExternalCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * tcpdump writing what crosses loopback to a pcap while real clients and servers talk, so the file is a capture made
 * by another tool that both our reader and tshark then judge. Needs root (required in CI); stops on close.
 */
public final class TcpdumpRecording implements AutoCloseable {

    private final Process process;
    private final Path file;

    private TcpdumpRecording(Process process, Path file) {
        this.process = process;
        this.file = file;
    }

    /** Starts tcpdump on lo with a BPF filter and waits until it listens. */
    public static TcpdumpRecording start(Path file, String filter) throws IOException, InterruptedException {
        ExternalCommand.require("tcpdump");
        Process p = new ProcessBuilder("tcpdump", "-i", "lo", "-U", "-s", "0", "-Z", "root", "-w", file.toString(),
                filter).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        StringBuilder said = new StringBuilder();
        String line;
        while (System.nanoTime() < deadline && (line = lines.readLine()) != null) {
            said.append(line).append('\n');
            if (line.contains("listening on")) {
                Thread.sleep(200); // the filter is in place; let the capture ring settle
                drain(lines);
                return new TcpdumpRecording(p, file);
            }
        }
        p.destroyForcibly();
        if (said.toString().contains("ermission") && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("capture not permitted here: " + said);
        }
        throw new AssertionError("tcpdump did not start: " + said);
    }

    private static void drain(BufferedReader lines) {
        Thread t = new Thread(() -> {
            try {
                while (lines.readLine() != null) {
                    // tcpdump's closing statistics
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "tcpdump-output");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Stops tcpdump and returns the capture. tcpdump drops what is still in the kernel's ring when told to stop, and
     * a loaded machine may not have let it read the last packets yet: wait until the file has stopped growing.
     */
    public Path stop() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long size = -1;
        int stable = 0;
        while (System.nanoTime() < deadline && stable < 4) {
            Thread.sleep(250);
            long now = Files.exists(file) ? Files.size(file) : 0;
            stable = now == size && now > 24 ? stable + 1 : 0;
            size = now;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (!Files.exists(file) || Files.size(file) <= 24) {
            throw new AssertionError("tcpdump captured nothing into " + file);
        }
        return file;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
