package analyzer.cli;

import java.util.function.Function;

/**
 * The environment variables the commands read: those of the tutorial's scripts, which the server and client honour
 * the same way, and the CI system's that check reports to.
 */
final class WorkshopEnvironment {

    /** Where the client fetches from, as in the tutorial's client.py. */
    static final String SECRET_URL = "SECRET_URL";
    /** The Fernet key shared by server and client, as in symmetric_server.py and symmetric_client.py. */
    static final String SECRET_KEY = "SECRET_KEY";
    /** On GitHub Actions, the Markdown file shown on the run's page; check appends its verdict to it. */
    static final String GITHUB_STEP_SUMMARY = "GITHUB_STEP_SUMMARY";

    // Replaceable so that tests can stand in for the environment.
    static Function<String, String> lookup = System::getenv;

    private WorkshopEnvironment() {
    }

    /**
     * The Fernet key given with --fernet-key, else $SECRET_KEY, checked; null when neither is set.
     *
     * @throws UserError when the key is not a Fernet key, naming where it came from
     */
    static String fernetKey(String option) {
        String key = option != null ? option : get(SECRET_KEY);
        if (key != null) {
            try {
                new analyzer.workshop.Fernet(key);
            } catch (IllegalArgumentException e) {
                throw new UserError((option != null ? "--fernet-key" : "$" + SECRET_KEY) + ": " + e.getMessage());
            }
        }
        return key;
    }

    /** The variable's value, or null when it is unset or blank. */
    static String get(String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
