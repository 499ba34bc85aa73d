package analyzer.cli;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the libraries (Netty, pcap4j through SLF4J) and the JDK log reaches the user as one line on standard
 * error — "analyzer: warning from netty: …" — never as a stack trace, which only {@code --verbose} adds. Their
 * INFO and DEBUG chatter is not shown.
 */
final class LibraryLogging {

    private static volatile boolean verbose;

    private LibraryLogging() {
    }

    /** Routes every java.util.logging record (SLF4J's binding writes there) through {@link OneLine}. */
    static void install(boolean verboseRun) {
        verbose = verboseRun;
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            if (!(h instanceof OneLine)) {
                root.removeHandler(h);
            }
        }
        if (root.getHandlers().length == 0) {
            root.addHandler(new OneLine());
        }
        root.setLevel(Level.WARNING);
    }

    /** "warning from netty: More than one exception was raised: CRC value mismatch" */
    static String line(LogRecord record) {
        StringBuilder sb = new StringBuilder("analyzer: ");
        sb.append(record.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "warning");
        sb.append(" from ").append(source(record.getLoggerName())).append(": ");
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (message != null && parameters != null && parameters.length > 0) {
            try {
                message = java.text.MessageFormat.format(message, parameters);
            } catch (IllegalArgumentException e) {
                // not a MessageFormat pattern: the message as given
            }
        }
        sb.append(message == null ? "" : message.strip());
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            sb.append(" (").append(reason(thrown)).append(')');
        }
        int newline = sb.indexOf("\n");
        if (newline >= 0) {
            sb.setLength(newline);
            sb.append(" …");
        }
        return sb.toString();
    }

    /** The message of the exception that says what went wrong, past wrappers that only repeat their cause. */
    private static String reason(Throwable thrown) {
        Throwable t = thrown;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        String why = t.getMessage();
        return why == null || why.isBlank() ? t.getClass().getSimpleName() : why.strip();
    }

    /** "io.netty.channel.embedded.EmbeddedChannel" → "netty"; "org.pcap4j.core.Pcaps" → "pcap4j". */
    static String source(String loggerName) {
        if (loggerName == null || loggerName.isEmpty()) {
            return "java";
        }
        String[] parts = loggerName.split("\\.");
        if (parts.length >= 2 && (parts[0].equals("io") || parts[0].equals("org") || parts[0].equals("com")
                || parts[0].equals("net"))) {
            return parts[1];
        }
        return parts[0];
    }

    private static final class OneLine extends Handler {
        @Override
        public void publish(LogRecord record) {
            if (record == null || !isLoggable(record)) {
                return;
            }
            // Looked up on each record: the stream a test or an embedding program installed.
            PrintStream err = System.err;
            err.println(line(record));
            if (verbose) {
                err.println("  logged by " + record.getLoggerName());
                if (record.getThrown() != null) {
                    record.getThrown().printStackTrace(err);
                }
            }
            err.flush();
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {
        }
    }
}
