package analyzer.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a new certificate is valid; 30 days as in the tutorial. */
public final class PkiValidityOption {

    @Option(names = "--days", paramLabel = "N", defaultValue = "30",
            description = "How long the certificate is valid, in days (default: ${DEFAULT-VALUE}).")
    int days;

    Duration validity() {
        if (days < 1) {
            throw new UserError("--days must be 1 or more, not " + days);
        }
        return Duration.ofDays(days);
    }
}
