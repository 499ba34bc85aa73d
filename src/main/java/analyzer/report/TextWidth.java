package analyzer.report;

import java.util.ArrayList;
import java.util.List;

/**
 * How wide text output may be, and the one way every printer fits its lines into it: a line too long is broken
 * at a space (preferably after a comma, a colon, a middle dot or between aligned columns) and continues on the
 * next line under a hanging indent, so aligned layouts stay aligned at 80 columns. Nothing is cut off: a word
 * longer than the room is broken where it must be. Colour escapes take no room, and a colour still open at a
 * break is closed at the end of the line and reopened after the indent.
 *
 * <p>{@link #UNLIMITED} (output to a pipe or a file, without {@code COLUMNS}) returns every line as it is.
 */
public final class TextWidth {

    /** No wrapping: output that goes to a file or a pipe. */
    public static final TextWidth UNLIMITED = new TextWidth(0);

    /** Narrower than this, aligned layouts give up their indents rather than stack one word per line. */
    private static final int MIN_ROOM = 20;

    private final int columns;

    private TextWidth(int columns) {
        this.columns = columns;
    }

    /** @param columns the width in columns; 0 (or less) for no limit */
    public static TextWidth of(int columns) {
        return columns <= 0 ? UNLIMITED : new TextWidth(columns);
    }

    /** The width of standard output: its terminal's, else {@code $COLUMNS}, else unlimited. */
    public static TextWidth ofStandardOutput() {
        return of(TerminalColumns.ofStandardOutput());
    }

    public boolean limited() {
        return columns > 0;
    }

    /** The width in columns, or {@link Integer#MAX_VALUE} when unlimited. */
    public int columns() {
        return columns > 0 ? columns : Integer.MAX_VALUE;
    }

    /** Whether {@code line} (one line, no newline) fits as it is. */
    public boolean fits(CharSequence line) {
        return columns <= 0 || displayWidth(line) <= columns;
    }

    /**
     * One line, wrapped to fit: continuation lines start with {@code hang} spaces. Lines are joined with '\n', with
     * no newline at the end.
     */
    public String fit(String line, int hang) {
        return fit(line, " ".repeat(Math.max(0, hang)));
    }

    /**
     * One line, wrapped to fit, each continuation line starting with {@code continuation} (for instance
     * {@code "    │ "} under a body line, so the bar goes on).
     */
    public String fit(String line, String continuation) {
        if (fits(line)) {
            return line;
        }
        return String.join("\n", lines(line, continuation));
    }

    /**
     * A command for the reader to type or paste, fitted: broken at spaces between arguments (never inside one) with
     * a shell's line continuation, so that what is pasted still runs. {@code continuation} is " \\" for POSIX
     * shells, " ^" for Windows' cmd. Quoted arguments stay whole.
     */
    public String fitCommand(String command, String continuation) {
        if (fits(command)) {
            return command;
        }
        int indent = 0;
        while (indent < command.length() && command.charAt(indent) == ' ') {
            indent++;
        }
        List<String> words = shellWords(command.substring(indent));
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(" ".repeat(indent));
        String hang = " ".repeat(indent + 4);
        int room = columns - continuation.length();
        for (String word : words) {
            boolean empty = line.toString().isBlank();
            if (!empty && displayWidth(line) + 1 + displayWidth(word) > room) {
                out.append(line).append(continuation).append('\n');
                line.setLength(0);
                line.append(hang);
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
        }
        return out.append(line).toString();
    }

    /** Splits at spaces outside single or double quotes. */
    private static List<String> shellWords(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote == 0 && c == ' ') {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                continue;
            }
            if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
            word.append(c);
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * The hanging indent that suits a line of aligned text: under its last column (the text after a gap of two or
     * more spaces) when that starts in the left half, else two more than the line's own indent.
     */
    public int hangFor(String line) {
        int indent = 0;
        while (indent < line.length() && line.charAt(indent) == ' ') {
            indent++;
        }
        int hang = indent + 2;
        int visible = 0;
        for (int i = indent; i < line.length(); ) {
            char c = line.charAt(i);
            if (c == '\u001b') {
                i = skipEscape(line, i);
                continue;
            }
            if (c == ' ' && i + 1 < line.length() && line.charAt(i + 1) == ' ') {
                int j = i;
                while (j < line.length() && line.charAt(j) == ' ') {
                    j++;
                }
                int column = indent + visible + (j - i);
                if (j < line.length() && column <= columns() / 2) {
                    hang = column;
                }
                visible += j - i;
                i = j;
                continue;
            }
            int cp = line.codePointAt(i);
            visible += width(cp);
            i += Character.charCount(cp);
        }
        return hang;
    }

    /**
     * Every line of {@code text} (split at '\n') fitted with the same hanging indent; the result ends with a
     * newline exactly when {@code text} did.
     */
    public String fitAll(String text, int hang) {
        if (columns <= 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            sb.append(fit(text.substring(start, end), hang));
            if (newline < 0) {
                break;
            }
            sb.append('\n');
            start = newline + 1;
        }
        return sb.toString();
    }

    /** The lines {@code line} is broken into (just itself when it fits). */
    public List<String> lines(String line, String continuation) {
        List<String> out = new ArrayList<>();
        if (fits(line)) {
            out.add(line);
            return out;
        }
        String indent = continuation;
        if (columns - displayWidth(indent) < MIN_ROOM) {
            indent = leadingSpaces(line, Math.max(0, columns - MIN_ROOM));
        }
        int indentWidth = displayWidth(indent);
        int pos = 0;
        String prefix = "";
        int prefixWidth = 0;
        String openStyle = "";
        while (pos < line.length()) {
            // The first line is never broken within what the continuation's indent covers: that gains no room.
            boolean more = pos > 0;
            Cut cut = cut(line, pos, columns - prefixWidth, more ? 0 : indentWidth, more, columns - indentWidth);
            String piece = line.substring(pos, cut.end);
            if (more && piece.isBlank() && cut.next >= line.length()) {
                break;
            }
            StringBuilder row = new StringBuilder(prefix.length() + openStyle.length() + piece.length() + 4);
            row.append(prefix);
            if (more) {
                row.append(openStyle);
            }
            row.append(piece);
            openStyle = stylesOpenAfter(openStyle, piece);
            int next = cut.next;
            if (next < line.length() && !openStyle.isEmpty()) {
                row.append("\u001b[0m");
            }
            out.add(stripTrailingSpaces(row));
            pos = next;
            prefix = indent;
            prefixWidth = indentWidth;
        }
        return out;
    }

    /**
     * Words of {@code text} filled into lines at most {@code width} columns wide (a table cell): a word longer than
     * that is broken.
     */
    public static List<String> fill(String text, int width) {
        return TextWidth.of(Math.max(1, width)).lines(text.strip(), "");
    }

    /** Where the piece of {@code line} starting at {@code from} ends (room columns at most), and where the next starts. */
    private record Cut(int end, int next) {
    }

    /**
     * @param firstBreak   columns the piece must fill before it may break
     * @param continuation whether the piece continues a broken line (its leading spaces are the break's)
     * @param nextRoom     columns the line after this one has
     */
    private static Cut cut(String line, int from, int room, int firstBreak, boolean continuation, int nextRoom) {
        int i = from;
        if (continuation) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++; // a continuation never starts with the spaces it was broken at
            }
        }
        int start = i;
        int used = 0;
        int column = -1;
        int clause = -1;
        int weak = -1;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\u001b') {
                i = skipEscape(line, i);
                continue;
            }
            int cp = line.codePointAt(i);
            if (c == ' ' && i > start && used > firstBreak) {
                char before = line.charAt(i - 1);
                if (before == ' ' || (i + 1 < line.length() && line.charAt(i + 1) == ' ')) {
                    column = i;
                } else if (before == ',' || before == ';' || before == ':' || before == '·' || before == '—'
                        || before == ')') {
                    clause = i;
                } else {
                    weak = i;
                }
            }
            int w = width(cp);
            if (used + w > room && used > 0) {
                break;
            }
            used += w;
            i += Character.charCount(cp);
        }
        if (i >= line.length()) {
            return new Cut(line.length(), line.length());
        }
        // Break between aligned columns when that keeps half the room filled, after a clause when two thirds —
        // as long as the rest then fits on one more line — else at the last space; a word longer than the room is
        // broken where the room ends.
        int last = Math.max(weak, Math.max(clause, column));
        boolean restFitsAfterLast = last > start && displayWidth(line.substring(last)) <= nextRoom;
        int at = column > start && column - start >= room / 2 && (restFitsAfterLast
                || displayWidth(line.substring(column)) <= nextRoom) ? column
                : clause > start && clause - start >= room * 2 / 3 && (displayWidth(line.substring(clause)) <= nextRoom
                || !restFitsAfterLast) ? clause
                : last;
        if (at <= start) {
            return new Cut(i, i);
        }
        int end = at;
        while (end > start && line.charAt(end - 1) == ' ') {
            end--;
        }
        int next = at;
        while (next < line.length() && line.charAt(next) == ' ') {
            next++;
        }
        return new Cut(end, next);
    }

    /** The SGR escapes still in force after {@code piece}, given those open before it. */
    private static String stylesOpenAfter(String open, String piece) {
        StringBuilder styles = new StringBuilder(open);
        for (int i = piece.indexOf('\u001b'); i >= 0; i = piece.indexOf('\u001b', i + 1)) {
            int end = skipEscape(piece, i);
            String escape = piece.substring(i, end);
            if (escape.equals("\u001b[0m") || escape.equals("\u001b[m")) {
                styles.setLength(0);
            } else if (escape.endsWith("m")) {
                styles.append(escape);
            }
        }
        return styles.toString();
    }

    /** The index after an ANSI escape sequence starting at {@code i}. */
    private static int skipEscape(CharSequence s, int i) {
        int j = i + 1;
        if (j < s.length() && s.charAt(j) == '[') {
            j++;
            while (j < s.length() && (s.charAt(j) < 0x40 || s.charAt(j) > 0x7e)) {
                j++;
            }
            return Math.min(s.length(), j + 1);
        }
        return Math.min(s.length(), j + 1);
    }

    private static String leadingSpaces(String line, int max) {
        int n = 0;
        while (n < line.length() && n < max && line.charAt(n) == ' ') {
            n++;
        }
        return " ".repeat(n);
    }

    private static String stripTrailingSpaces(StringBuilder row) {
        int end = row.length();
        while (end > 0 && row.charAt(end - 1) == ' ') {
            end--;
        }
        row.setLength(end);
        return row.toString();
    }

    /** Columns {@code s} takes on a terminal: escapes take none, emoji and East Asian wide characters two. */
    public static int displayWidth(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '\u001b') {
                i = skipEscape(s, i);
                continue;
            }
            int cp = Character.codePointAt(s, i);
            n += width(cp);
            i += Character.charCount(cp);
        }
        return n;
    }

    /** Columns of one code point, as terminals following Unicode's East Asian Width draw it. */
    static int width(int cp) {
        if (cp < 0x300) {
            return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 0 : 1;
        }
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || cp == 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) {
            return 0;
        }
        boolean wide = (cp >= 0x1100 && cp <= 0x115f) || cp == 0x2329 || cp == 0x232a
                || (cp >= 0x231a && cp <= 0x231b) || (cp >= 0x23e9 && cp <= 0x23ec) || cp == 0x23f0 || cp == 0x23f3
                || (cp >= 0x25fd && cp <= 0x25fe) || (cp >= 0x2614 && cp <= 0x2615) || cp == 0x26a1 || cp == 0x26d4
                || (cp >= 0x26aa && cp <= 0x26ab) || cp == 0x2705 || (cp >= 0x270a && cp <= 0x270b) || cp == 0x274c
                || cp == 0x2728 || (cp >= 0x2753 && cp <= 0x2755) || cp == 0x2757 || cp == 0x2b50 || cp == 0x2b55
                || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf)
                || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3)
                || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60)
                || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x1f680 && cp <= 0x1f6ff)
                || (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x1fa70 && cp <= 0x1faff) || (cp >= 0x1f004 && cp <= 0x1f0cf)
                || (cp >= 0x1f18e && cp <= 0x1f251) || (cp >= 0x20000 && cp <= 0x3fffd);
        return wide ? 2 : 1;
    }

    @Override
    public String toString() {
        return columns > 0 ? columns + " columns" : "unlimited";
    }
}
