package analyzer.cli;

/** Exit codes shared by every command (see README). */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The check failed: plaintext seen, certificate rejected by the client, an attack succeeded. */
    public static final int CHECK_FAILED = 1;
    /** Usage or input error: bad option, unreadable file, no permission. */
    public static final int USAGE = 2;
    /** Nothing to judge: a check that saw no traffic. */
    public static final int NOTHING_SEEN = 3;
    /** check -- CMD: the wrapped command failed while the check itself passed (or saw nothing). */
    public static final int COMMAND_FAILED = analyzer.check.CheckReport.COMMAND_FAILED;

    private ExitCodes() {
    }
}
