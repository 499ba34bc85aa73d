package analyzer.proxy;

/** The proxy could not start: the address is taken, a certificate file is unreadable, a host does not resolve. */
public class ProxyException extends Exception {

    private final String hint;

    public ProxyException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** How to fix it, or null. */
    public String hint() {
        return hint;
    }
}
