package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (PARANOID) reports an unreleased buffer while it ran: stderr is
 * teed to a buffer, and after the class the collector is pushed so unreleased buffers surface as "LEAK:" lines.
 * (DissectorLeakTest shows this catches a deliberate leak.)
 */
final class NettyLeaks implements BeforeAllCallback, AfterAllCallback {

    private PrintStream original;
    private ByteArrayOutputStream captured;
    private ResourceLeakDetector.Level level;

    @Override
    public void beforeAll(ExtensionContext context) {
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        original = System.err;
        captured = new ByteArrayOutputStream();
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            for (int i = 0; i < 10; i++) {
                System.gc();
                Thread.sleep(20);
                for (int j = 0; j < 50; j++) {
                    ByteBufAllocator.DEFAULT.buffer(8).release();
                    ByteBufAllocator.DEFAULT.heapBuffer(8).release();
                }
            }
            String log = captured.toString(StandardCharsets.UTF_8);
            assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
        } finally {
            System.setErr(original);
            ResourceLeakDetector.setLevel(level);
        }
    }
}
