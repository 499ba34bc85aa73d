package analyzer.pki;

/**
 * A PKI operation that cannot go ahead for a reason the user can fix: a missing or unreadable file, a wrong
 * passphrase, a CSR whose signature does not verify, a key that does not belong to its certificate. The message
 * is one line, written for the person at the keyboard, and names the file involved.
 */
public class PkiException extends Exception {

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "java.io.IOException: ", "org.bouncycastle.asn1.ASN1Exception: ": what libraries put before a reason. */
    private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]*\\.)*[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");

    /**
     * What a library's exception says went wrong, for a person: the first line of its message (or of its cause's,
     * when it has none), without the class names libraries put in their messages.
     */
    public static String reasonOf(Throwable e) {
        Throwable t = e;
        String message = t.getMessage();
        while ((message == null || message.isBlank()) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            message = t.getMessage();
        }
        if (message == null) {
            return "unreadable content";
        }
        int newline = message.indexOf('\n');
        String plain = CLASS_NAME.matcher(newline < 0 ? message : message.substring(0, newline)).replaceAll("")
                .strip();
        return plain.isEmpty() || plain.equals(":") ? "unreadable content" : plain;
    }
}
