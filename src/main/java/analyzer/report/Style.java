package analyzer.report;

/**
 * ANSI styling for people at a terminal. Off when output is not a TTY or NO_COLOR is set
 * (https://no-color.org), so files and pipes get plain text.
 */
public final class Style {

    public static final Style PLAIN = new Style(false);
    public static final Style COLOR = new Style(true);

    private final boolean enabled;

    private Style(boolean enabled) {
        this.enabled = enabled;
    }

    /** Colour when stdout is a terminal and the user has not asked for none. */
    public static Style forTerminal() {
        String noColor = System.getenv("NO_COLOR");
        boolean tty = System.console() != null;
        return tty && (noColor == null || noColor.isEmpty()) ? COLOR : PLAIN;
    }

    public boolean enabled() {
        return enabled;
    }

    public String bold(String s) {
        return wrap("1", s);
    }

    public String dim(String s) {
        return wrap("2", s);
    }

    public String red(String s) {
        return wrap("31", s);
    }

    public String green(String s) {
        return wrap("32", s);
    }

    public String yellow(String s) {
        return wrap("33", s);
    }

    public String cyan(String s) {
        return wrap("36", s);
    }

    private String wrap(String code, String s) {
        return enabled ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
