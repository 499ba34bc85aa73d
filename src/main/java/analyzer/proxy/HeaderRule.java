package analyzer.proxy;

import java.util.Objects;

/** Set a header to a value (replacing any it had), or drop it: --set-header NAME:VALUE, --drop-header NAME. */
public record HeaderRule(String name, String value) {

    public HeaderRule {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || !name.chars().allMatch(HeaderRule::isTokenChar)) {
            throw new IllegalArgumentException("'" + name + "' is not a header name");
        }
        if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("the value of header " + name + " contains a line break");
        }
    }

    public static HeaderRule set(String name, String value) {
        return new HeaderRule(name, Objects.requireNonNull(value, "value"));
    }

    public static HeaderRule drop(String name) {
        return new HeaderRule(name, null);
    }

    /** Parses {@code NAME:VALUE} (spaces after the colon are dropped, as in a header line). */
    public static HeaderRule parseSet(String rule) {
        int colon = rule.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + rule + "' is not NAME:VALUE (e.g. 'X-Tampered: yes')");
        }
        return set(rule.substring(0, colon).trim(), rule.substring(colon + 1).strip());
    }

    public boolean drops() {
        return value == null;
    }

    private static boolean isTokenChar(int c) {
        return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
}
