package analyzer.report;

import java.util.Locale;

/**
 * The answer of a check, and the exit code a CI job acts on (a failed wrapped command may override it: 4): of the
 * traffic alone ({@link EncryptionVerdict#verdict()}) or with the probe ({@code analyzer.check.CheckReport}).
 */
public enum Verdict {
    ENCRYPTED(0, "ENCRYPTED"),
    /** Plaintext seen on the wire, or served by the probed port. */
    NOT_ENCRYPTED(1, "NOT ENCRYPTED"),
    /** Data that is neither TLS nor readable: we cannot vouch for it. */
    UNVERIFIED(1, "NOT VERIFIED"),
    /** TLS outside the policy, a certificate that does not verify, or a port that accepts no TLS. */
    WEAK_TLS(1, "WEAK TLS"),
    NOTHING(3, "NOTHING TO JUDGE");

    private final int exitCode;
    private final String label;

    Verdict(int exitCode, String label) {
        this.exitCode = exitCode;
        this.label = label;
    }

    public int exitCode() {
        return exitCode;
    }

    public String label() {
        return label;
    }

    /** Lower-case key for JSON: "not_encrypted". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
