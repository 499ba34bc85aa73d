package analyzer.workshop;

/** The three kinds of man-in-the-middle attack the workshop tries at every stage. */
public enum Attack {
    EAVESDROP("eavesdrop"),
    TAMPER("tamper"),
    SESSION_HIJACK("session hijack");

    private final String label;

    Attack(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Stable name for JSON: {@code eavesdrop}, {@code tamper}, {@code session_hijack}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
