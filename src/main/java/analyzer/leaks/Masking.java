package analyzer.leaks;

/** How a found credential is shown by default: enough to recognise it, not enough to use it. */
public final class Masking {

    private Masking() {
    }

    /** Keeps a recognisable prefix: at most 4 characters, and never more than half of the value. */
    public static String shorten(String value) {
        if (value.isEmpty()) {
            return "(empty)";
        }
        int keep = Math.min(4, value.length() / 2);
        return value.substring(0, keep) + "…";
    }

    /** "session=7f3a…; theme=da…": every cookie's value shortened, the names kept. */
    public static String cookies(String value) {
        StringBuilder sb = new StringBuilder();
        for (String pair : value.split(";")) {
            String p = pair.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            sb.append(sb.length() > 0 ? "; " : "")
                    .append(eq < 0 ? shorten(p) : p.substring(0, eq + 1) + shorten(p.substring(eq + 1)));
        }
        return sb.toString();
    }
}
