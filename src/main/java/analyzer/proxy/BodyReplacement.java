package analyzer.proxy;

import java.util.Objects;

/** Replace every occurrence of {@code find} in a body with {@code replacement} (--replace 'fluffy tail=>squirrel party'). */
public record BodyReplacement(String find, String replacement) {

    private static final String ARROW = "=>";

    public BodyReplacement {
        Objects.requireNonNull(find, "find");
        Objects.requireNonNull(replacement, "replacement");
        if (find.isEmpty()) {
            throw new IllegalArgumentException("the text to replace is empty");
        }
    }

    /**
     * Parses {@code FIND=>REPLACEMENT}; the first "=>" separates them.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static BodyReplacement parse(String rule) {
        int arrow = rule.indexOf(ARROW);
        if (arrow < 0) {
            throw new IllegalArgumentException("'" + rule + "' is not FIND=>REPLACEMENT (e.g. 'fluffy tail=>squirrel party')");
        }
        if (arrow == 0) {
            throw new IllegalArgumentException("'" + rule + "' has nothing to find before '=>'");
        }
        return new BodyReplacement(rule.substring(0, arrow), rule.substring(arrow + ARROW.length()));
    }
}
