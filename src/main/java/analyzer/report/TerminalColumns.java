package analyzer.report;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Method;

/**
 * The width of the terminal standard output goes to, asked of the system (JNA, already loaded for libpcap): the
 * tty's size on Linux and macOS, the console window's on Windows. Standard output that is not a terminal is
 * {@code $COLUMNS} wide when that is set, and unlimited otherwise, so a pipe or a file gets unwrapped lines.
 */
final class TerminalColumns {

    /** A terminal whose size cannot be asked is assumed to be this wide. */
    static final int FALLBACK = 80;

    private TerminalColumns() {
    }

    /** Columns of standard output; 0 for unlimited. */
    static int ofStandardOutput() {
        boolean terminal = standardOutputIsTerminal();
        return choose(terminal, terminal ? askSystem() : 0, System.getenv("COLUMNS"));
    }

    /**
     * The rule: a terminal's own width, else {@code $COLUMNS}, else (on a terminal) {@link #FALLBACK}, and
     * unlimited when the output is not a terminal.
     *
     * @param systemColumns what the system said, 0 when it could not say
     */
    static int choose(boolean terminal, int systemColumns, String columnsVariable) {
        if (terminal && systemColumns > 0) {
            return systemColumns;
        }
        int fromVariable = parse(columnsVariable);
        if (fromVariable > 0) {
            return fromVariable;
        }
        return terminal ? FALLBACK : 0;
    }

    private static int parse(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value.trim());
            return n > 0 && n < 10_000 ? n : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether standard output is a terminal, without loading any native code: Java has a console when both standard
     * input and output are terminals (and says so with isTerminal() from Java 22, where a console always exists).
     */
    private static boolean standardOutputIsTerminal() {
        Object console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = console.getClass().getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // before Java 22 a console exists only on a terminal
        }
    }

    private static int askSystem() {
        try {
            return Platform.isWindows() ? windowsConsoleColumns() : ttyColumns();
        } catch (Throwable e) {
            // no native access (JNA missing or forbidden): $COLUMNS or the fallback decide
            return 0;
        }
    }

    interface C extends Library {
        int ioctl(int fd, NativeLong request, Object... args);
    }

    /** ioctl(TIOCGWINSZ) on standard output: struct winsize { rows, columns, x pixels, y pixels } as shorts. */
    private static int ttyColumns() {
        long request = Platform.isMac() || Platform.isFreeBSD() || Platform.isOpenBSD() ? 0x40087468L : 0x5413L;
        short[] size = new short[4];
        C c = Native.load(Platform.C_LIBRARY_NAME, C.class);
        if (c.ioctl(1, new NativeLong(request), (Object) size) != 0) {
            return 0;
        }
        return size[1] & 0xffff;
    }

    interface Kernel32 extends Library {
        Pointer GetStdHandle(int which);

        boolean GetConsoleScreenBufferInfo(Pointer console, short[] info);
    }

    /**
     * CONSOLE_SCREEN_BUFFER_INFO as shorts: size (2), cursor (2), attributes, then the window's left, top, right
     * and bottom: the visible width is right - left + 1.
     */
    private static int windowsConsoleColumns() {
        Kernel32 kernel = Native.load("kernel32", Kernel32.class);
        short[] info = new short[11];
        if (!kernel.GetConsoleScreenBufferInfo(kernel.GetStdHandle(-11), info)) {
            return 0;
        }
        return info[7] - info[5] + 1;
    }
}
