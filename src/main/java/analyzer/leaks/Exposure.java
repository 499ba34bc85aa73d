package analyzer.leaks;

import java.util.Objects;

/**
 * Something an eavesdropper takes away from a message: a secret given to {@code check --secret}, a credential
 * (password, token, API key, private key) or a session identifier.
 *
 * @param kind   what sort of thing it is
 * @param rule   which rule found it, stable for scripts: "secret", "authorization", "cookie", "password-field",
 *               "aws-access-key", "jwt", …
 * @param label  what precedes the value when shown: {@code "Authorization: Basic "}, {@code "password="},
 *               {@code "AWS access key ID "}, or the quoted secret itself
 * @param value  the value as found (empty for a secret: the label already says it); masked when shown
 * @param where  where it was found, for the evidence: "in the URL", "in the form", "in the response body (gzip)"
 */
public record Exposure(Kind kind, String rule, String label, String value, String where) {

    /** What sort of thing travelled. */
    public enum Kind {
        SECRET("secret"), CREDENTIALS("credentials"), SESSION("session");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** "credentials", as the reports label it. */
        public String label() {
            return label;
        }
    }

    public Exposure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(where, "where");
    }

    /**
     * One line: {@code password=wond… in the form}. The value is shortened to a recognisable prefix unless
     * {@code showSecrets}: the point is that it travelled in clear, not to put it on a projector or in a CI log.
     */
    public String describe(boolean showSecrets) {
        String shown = showSecrets ? value : kind == Kind.SESSION ? Masking.cookies(value) : Masking.shorten(value);
        StringBuilder sb = new StringBuilder(label);
        if (!value.isEmpty()) {
            sb.append(shown);
        }
        if (!where.isEmpty()) {
            sb.append(' ').append(where);
        }
        return sb.toString();
    }
}
