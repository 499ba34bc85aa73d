package analyzer.workshop;

import java.util.Locale;

/** The stages of the workshop story, in the order they are told. */
public enum Stage {
    HTTP("http", "HTTP"),
    FERNET("fernet", "Fernet"),
    HTTPS_PINNED("https-pinned", "HTTPS, pinned CA"),
    HTTPS_INSECURE("https-insecure", "HTTPS, --insecure client"),
    HTTPS_STOLEN_KEY("https-stolen-key", "HTTPS, stolen server key");

    private final String key;
    private final String title;

    Stage(String key, String title) {
        this.key = key;
        this.title = title;
    }

    /** The name a presenter types ({@code --stage https-pinned}) and scripts read. */
    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    public static Stage of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Stage s : values()) {
            if (s.key.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + name + "' (stages: " + keys() + ")");
    }

    public static String keys() {
        StringBuilder sb = new StringBuilder();
        for (Stage s : values()) {
            sb.append(sb.length() > 0 ? ", " : "").append(s.key);
        }
        return sb.toString();
    }
}
