package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void unknownOptionIsAOneLineUsageErrorWithExitCode2() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"--no-such-option"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().startsWith("analyzer: Unknown option: '--no-such-option'"), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
    }

    @Test
    void aRunBuildsOnlyTheSubcommandItNamesAndHelpStillListsThemAll() {
        assertEquals(java.util.Set.of("read"), Main.commandLine(new String[] {"read", "x.pcap"}).getSubcommands().keySet());
        assertTrue(Main.commandLine(new String[] {"read"}).getSubcommands().get("read").getCommandSpec()
                .findOption("--verbose") != null, "--verbose is inherited by a subcommand added on its own");
        assertEquals(Main.SUBCOMMANDS.length, Main.commandLine(new String[] {"help", "read"}).getSubcommands().size());
        assertEquals(Main.SUBCOMMANDS.length, Main.commandLine(new String[] {"--help"}).getSubcommands().size());

        StringWriter out = new StringWriter();
        assertEquals(0, Main.execute(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(new StringWriter())));
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            assertTrue(out.toString().contains("  " + name + " "), name + " missing from\n" + out);
        }
    }

    @Test
    void versionNamesTheTool() {
        StringWriter out = new StringWriter();
        int code = Main.execute(new String[] {"--version"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        assertTrue(out.toString().startsWith("analyzer "), out.toString());
    }
}
