package analyzer.dissect;

import analyzer.workshop.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Brotli bodies made by the real encoder (Debian's brotli command), not by the decoder under test. */
public final class BrotliCli {

    private BrotliCli() {
    }

    /** The brotli encoding of {@code plain}; the test fails in CI, and is skipped elsewhere, without the command. */
    public static byte[] compress(byte[] plain) {
        ExternalCommand.require("brotli");
        try {
            Path in = Files.createTempFile("analyzer-brotli", ".txt");
            Path out = Path.of(in + ".br");
            try {
                Files.write(in, plain);
                Process p = new ProcessBuilder("brotli", "-f", "-o", out.toString(), in.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("brotli failed on " + plain.length + " bytes");
                }
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
