package analyzer.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the user started this tool, so that commands we print for them to type next start the same way: the
 * launchers say how they were called ({@code ./analyzer}, {@code analyzer} when found on the PATH,
 * {@code analyzer.cmd}); a bare {@code java -jar} gets {@code java -jar} and the jar's path as typed from here.
 */
final class Invocation {

    /** Set by the launchers (analyzer, analyzer.cmd) to the name they were called by. */
    static final String LAUNCHER_PROPERTY = "analyzer.launcher";

    private Invocation() {
    }

    /** The words that start this tool again, e.g. "./analyzer" or "java -jar analyzer.jar". */
    static String command() {
        String launcher = System.getProperty(LAUNCHER_PROPERTY);
        if (launcher != null && !launcher.isBlank()) {
            return quoted(launcher.strip());
        }
        Path jar = ownJar();
        if (jar == null) {
            return "analyzer";
        }
        Path here = Path.of("").toAbsolutePath();
        Path shown = jar.startsWith(here) ? here.relativize(jar) : jar;
        return "java -jar " + quoted(shown.toString());
    }

    private static Path ownJar() {
        try {
            var source = Invocation.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) && path.toString().endsWith(".jar") ? path : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String quoted(String word) {
        return word.indexOf(' ') >= 0 ? '"' + word + '"' : word;
    }
}
