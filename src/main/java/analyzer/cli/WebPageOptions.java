package analyzer.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How the live page is served: shared by {@code analyzer web} and the {@code --web} of the other commands. */
public final class WebPageOptions {

    @Option(names = "--web-listen", paramLabel = "HOST:PORT",
            description = "Where the page is served (default: 127.0.0.1 on a free port). Another address makes it"
                    + " reachable from other machines, still only with the token.")
    String listen;

    @Option(names = "--open", description = "Open the page in the desktop's browser.")
    boolean open;

    @Option(names = "--web-flows", paramLabel = "N", defaultValue = "2000",
            description = "Flows the page keeps; older ones are dropped from view, and counted"
                    + " (default: ${DEFAULT-VALUE}).")
    int flows = 2000;

    @Option(names = "--web-linger", paramLabel = "TIME", converter = Linger.class,
            description = "When the run is over, keep the page open this long (default: until Ctrl-C; 0 quits at"
                    + " once).")
    Duration linger;

    /** Whether any of these options was given (each implies --web). */
    boolean given() {
        return listen != null || open || linger != null || flows != 2000;
    }

    void validate() {
        if (flows < 1 || flows > 1_000_000) {
            throw new UserError("--web-flows must be between 1 and 1000000, not " + flows);
        }
    }

    /** A duration as {@code --duration} takes it, or 0. */
    static final class Linger implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return value.trim().equals("0") ? Duration.ZERO : new Durations().convert(value);
        }
    }
}
