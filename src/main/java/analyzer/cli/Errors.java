package analyzer.cli;

import analyzer.capture.CaptureException;

/** Turns the packages' checked errors into user errors with their fix. */
final class Errors {

    private Errors() {
    }

    static UserError of(CaptureException e) {
        return new UserError(ExitCodes.USAGE, e.getMessage(), e.hint(), e);
    }
}
