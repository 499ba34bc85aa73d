package analyzer.dissect.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * A key log file, read from where the last read stopped: a client appends a connection's keys while it connects,
 * so a running capture reads the lines added since. A line not yet ended is kept until its end arrives; a file
 * that shrank (truncated and rewritten) is read again from its start.
 */
public final class KeyLogFile implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final StringBuilder partial = new StringBuilder();
    private long position;
    private long lineNumber;
    private boolean skippingLongLine;

    private KeyLogFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens the file; a missing or unreadable one is an IOException whose message says so in one line. */
    public static KeyLogFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException("cannot read the key log " + path + ": it is a directory");
        }
        try {
            return new KeyLogFile(path, FileChannel.open(path, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read the key log " + path + ": no such file", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot read the key log " + path + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException("cannot read the key log " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /**
     * Reads what was appended since the last call and hands over each complete line.
     *
     * @param lines   receives each parsed key line
     * @param problem receives "FILE line N: why (skipped)" once for each malformed line
     * @return whether anything new was read
     */
    public synchronized boolean readAppended(Consumer<KeyLogLine> lines, Consumer<String> problem) throws IOException {
        long size = channel.size();
        if (size < position) {
            position = 0;
            lineNumber = 0;
            partial.setLength(0);
            skippingLongLine = false;
        }
        if (size == position) {
            return false;
        }
        while (position < size) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n <= 0) {
                break;
            }
            position += n;
            buffer.flip();
            byte[] bytes = buffer.array();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    append(bytes, start, i);
                    endLine(lines, problem);
                    start = i + 1;
                }
            }
            append(bytes, start, n);
        }
        return true;
    }

    private void append(byte[] bytes, int from, int to) {
        if (skippingLongLine || to <= from) {
            return;
        }
        if (partial.length() + (to - from) > KeyLogLine.MAX_LINE) {
            skippingLongLine = true;
            return;
        }
        partial.append(new String(bytes, from, to - from, StandardCharsets.ISO_8859_1));
    }

    private void endLine(Consumer<KeyLogLine> lines, Consumer<String> problem) {
        lineNumber++;
        try {
            if (skippingLongLine) {
                throw new KeyLogLine.Malformed("longer than " + KeyLogLine.MAX_LINE + " characters");
            }
            KeyLogLine line = KeyLogLine.parse(partial);
            if (line != null) {
                lines.accept(line);
            }
        } catch (KeyLogLine.Malformed e) {
            problem.accept(path + " line " + lineNumber + ": " + e.getMessage() + " (skipped)");
        }
        partial.setLength(0);
        skippingLongLine = false;
    }

    /**
     * At the end of a read: a last line without its end of line is taken as it is (a file written by hand often
     * ends so). A live capture does not call this, since the rest of the line may still come.
     */
    public synchronized void finishLastLine(Consumer<KeyLogLine> lines, Consumer<String> problem) {
        if (partial.length() > 0 || skippingLongLine) {
            endLine(lines, problem);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
