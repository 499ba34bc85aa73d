package analyzer.report;

import java.io.IOException;
import java.io.Writer;

/**
 * A writer that fits each line written through it to a {@link TextWidth}, continuing a long line under its last
 * aligned column ({@link TextWidth#hangFor}): for commands whose output is plain lines of text (pki, server,
 * client, summaries on stderr). A line is held until its newline; {@link #flush()} lets a partial one (a prompt)
 * through as it is. Unlimited width passes everything straight on.
 */
public final class FittingWriter extends Writer {

    private final Writer out;
    private final TextWidth width;
    private final StringBuilder line = new StringBuilder();

    public FittingWriter(Writer out, TextWidth width) {
        this.out = out;
        this.width = width;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        if (!width.limited()) {
            out.write(chars, offset, length);
            return;
        }
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            char c = chars[i];
            if (c == '\n') {
                String text = line.toString();
                line.setLength(0);
                int cut = text.endsWith("\r") ? text.length() - 1 : text.length();
                String content = text.substring(0, cut);
                out.write(width.fit(content, width.hangFor(content)));
                out.write(text.substring(cut));
                out.write('\n');
            } else {
                line.append(c);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (line.length() > 0) {
            out.write(line.toString());
            line.setLength(0);
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
