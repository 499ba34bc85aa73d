package analyzer.capture;

/** A capture could not start or go on: {@link #getMessage()} names the problem, {@link #hint()} the fix. */
public class CaptureException extends Exception {

    private final String hint;

    public CaptureException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    public CaptureException(String message) {
        this(message, null, null);
    }

    /** How to fix it, or null. */
    public String hint() {
        return hint;
    }
}
