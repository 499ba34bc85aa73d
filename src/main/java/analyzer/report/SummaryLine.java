package analyzer.report;

/**
 * The one-line tally a run ends with, as every command words it: counts with their nouns, parts separated by
 * {@code " · "}, as in "12 packets · 2 flows · 1 HTTP request, 1 response".
 */
public final class SummaryLine {

    private final StringBuilder sb = new StringBuilder();

    /** "1 packet", "2 packets". */
    public static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** A duration as a person reads it: "30 s" when whole seconds, else "1500 ms". */
    public static String duration(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** A new part: {@code n what}. */
    public SummaryLine count(long n, String what) {
        return part(plural(n, what));
    }

    /** A new part only when there is something to count. */
    public SummaryLine countIfAny(long n, String what) {
        return n > 0 ? count(n, what) : this;
    }

    /** The same part goes on: ", n what". */
    public SummaryLine and(long n, String what) {
        sb.append(", ").append(plural(n, what));
        return this;
    }

    /** A new part in words. */
    public SummaryLine part(String text) {
        if (sb.length() > 0) {
            sb.append(" · ");
        }
        sb.append(text);
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
