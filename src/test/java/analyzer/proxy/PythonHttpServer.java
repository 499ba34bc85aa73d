package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.workshop.ExternalCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code http.server} serving "fluffy tail" on 127.0.0.1 and an ephemeral port: an HTTP/1.0 server that
 * answers and closes at once, as many small servers do. Required in CI (.ci/run installs python3).
 */
final class PythonHttpServer implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("port (\\d+)");

    private final Process process;
    private final int port;

    private PythonHttpServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static PythonHttpServer start(Path root) throws IOException {
        ExternalCommand.require("python3");
        Files.writeString(root.resolve("index.html"), TestUpstream.SECRET);
        Process p = new ProcessBuilder("python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                "--directory", root.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        Matcher m = first == null ? null : SERVING.matcher(first);
        if (m == null || !m.find()) {
            p.destroyForcibly();
            throw new IOException("python3 -m http.server did not start: " + first);
        }
        // Its request log would fill the pipe: drain it.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (IOException ignored) {
                // the server is gone
            }
        }, "python-http-server-log");
        drain.setDaemon(true);
        drain.start();
        return new PythonHttpServer(p, Integer.parseInt(m.group(1)));
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS) || process.destroyForcibly().waitFor(5, TimeUnit.SECONDS));
    }
}
