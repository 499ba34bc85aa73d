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
}
