package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.StandardErrorCapture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LibraryLoggingTest {

    @AfterEach
    void quiet() {
        LibraryLogging.install(false);
    }

    @Test
    void aLibraryWarningWithAnExceptionIsOneLineWithoutItsStackTrace() {
        Main.execute(new String[] {"--version"}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        InternalLogger netty = InternalLoggerFactory.getInstance("io.netty.channel.embedded.EmbeddedChannel");
        String logged = StandardErrorCapture.during(() -> netty.warn("More than one exception was raised.",
                new IllegalStateException("CRC value mismatch")));
        assertEquals("analyzer: warning from netty: More than one exception was raised. (CRC value mismatch)\n",
                logged.replace("\r\n", "\n"));
    }

    @Test
    void slf4jLoggersOfOtherLibrariesAndInfoChatter() {
        Main.execute(new String[] {"--version"}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        org.slf4j.Logger pcap4j = org.slf4j.LoggerFactory.getLogger("org.pcap4j.core.Pcaps");
        String logged = StandardErrorCapture.during(() -> {
            pcap4j.info("loaded");
            pcap4j.error("Failed to {}", "open", new RuntimeException(new java.io.IOException("denied")));
        });
        assertEquals("analyzer: error from pcap4j: Failed to open (denied)\n",
                logged.replace("\r\n", "\n"));
    }

    @Test
    void verboseAddsTheStackTrace() {
        Main.execute(new String[] {"--version", "--verbose"}, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        InternalLogger netty = InternalLoggerFactory.getInstance("io.netty.channel.DefaultChannelPipeline");
        String logged = StandardErrorCapture.during(() -> netty.warn("reached the tail", new IllegalStateException("x")));
        assertTrue(logged.startsWith("analyzer: warning from netty: reached the tail (x)\n"), logged);
        assertTrue(logged.contains("\tat "), logged);
    }
}
