package analyzer.cli;

import java.time.Duration;
import picocli.CommandLine;

/** Parses "30", "30s", "500ms", "2m", "1h" for options such as --duration. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
            }
            if (v.endsWith("s")) {
                return positive(seconds(v.substring(0, v.length() - 1)), value);
            }
            if (v.endsWith("m")) {
                return positive(Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1))), value);
            }
            if (v.endsWith("h")) {
                return positive(Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1))), value);
            }
            return positive(seconds(v), value);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration (examples: 30, 30s, 500ms, 2m, 1h)");
        }
    }

    private static Duration seconds(String s) {
        double d = Double.parseDouble(s);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new NumberFormatException(s);
        }
        return Duration.ofNanos((long) (d * 1e9));
    }

    private static Duration positive(Duration d, String value) {
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
        }
        return d;
    }
}
