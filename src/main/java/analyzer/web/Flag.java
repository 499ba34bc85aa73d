package analyzer.web;

/**
 * What the page flags on a flow, in the order it shows them. The key is what the filter box takes ({@code
 * flag:secret}) and what the page colours by: the colours of the text output (readable in yellow, a secret or
 * credentials in red, encrypted in green).
 */
enum Flag {
    READABLE("readable"),
    SECRET("secret"),
    CREDENTIALS("credentials"),
    TAMPERED("tampered"),
    ENCRYPTED("encrypted"),
    DECRYPTED("decrypted"),
    REJECTED("rejected");

    private final String key;

    Flag(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    int bit() {
        return 1 << ordinal();
    }
}
