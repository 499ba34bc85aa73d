package analyzer.cli;

/**
 * A problem the user can fix (bad input, missing permission, nothing to judge). Printed as one line
 * "analyzer: message", optionally followed by an indented hint, and mapped to an exit code; never a stack trace
 * unless --verbose.
 */
public class UserError extends RuntimeException {

    private final int exitCode;
    private final String hint;

    public UserError(String message) {
        this(ExitCodes.USAGE, message, null, null);
    }

    public UserError(String message, String hint) {
        this(ExitCodes.USAGE, message, hint, null);
    }

    public UserError(int exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public int exitCode() {
        return exitCode;
    }

    /** A second line telling how to fix it, or null. */
    public String hint() {
        return hint;
    }
}
