package analyzer.cli;

import java.util.function.Function;

/** The environment variables the tutorial's scripts read, which the server and client honour the same way. */
final class WorkshopEnvironment {

    /** Where the client fetches from, as in the tutorial's client.py. */
    static final String SECRET_URL = "SECRET_URL";
    /** The Fernet key shared by server and client, as in symmetric_server.py and symmetric_client.py. */
    static final String SECRET_KEY = "SECRET_KEY";

    // Replaceable so that tests can stand in for the environment.
    static Function<String, String> lookup = System::getenv;

    private WorkshopEnvironment() {
    }

    /** The variable's value, or null when it is unset or blank. */
    static String get(String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
