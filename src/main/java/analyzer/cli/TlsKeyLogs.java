package analyzer.cli;

import analyzer.pki.TlsKeyLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The key log a TLS endpoint command writes: its --keylog, else SSLKEYLOGFILE; said on stderr when one is. */
final class TlsKeyLogs {

    private TlsKeyLogs() {
    }

    /**
     * Opens the key log named by the option or, without it, by {@code SSLKEYLOGFILE}, and says so in a warning
     * line; null when neither names one. An option that cannot be honoured is a UserError; the variable only
     * warns, as curl does when it cannot write there.
     */
    static TlsKeyLog open(Path option, PrintWriter err) {
        Path file = TlsKeyLog.chosen(option, WorkshopEnvironment::get);
        if (file == null) {
            return null;
        }
        boolean fromEnvironment = option == null;
        try {
            TlsKeyLog log = TlsKeyLog.open(file);
            err.println("analyzer: warning: " + log.warning(fromEnvironment));
            err.flush();
            return log;
        } catch (IOException | IllegalStateException e) {
            if (fromEnvironment) {
                err.println("analyzer: warning: " + TlsKeyLog.VARIABLE + " is set but no keys are written: "
                        + e.getMessage());
                err.flush();
                return null;
            }
            throw new UserError(e.getMessage());
        }
    }
}
