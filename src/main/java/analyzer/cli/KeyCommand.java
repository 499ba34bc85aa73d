package analyzer.cli;

import analyzer.workshop.Fernet;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Make keys for the workshop's encryption stages.",
        subcommands = {KeyCommand.FernetKey.class, CommandLine.HelpCommand.class})
public final class KeyCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: say which key, e.g. 'analyzer key fernet'");
    }

    @Command(name = "fernet", mixinStandardHelpOptions = true,
            description = {"Print a new random Fernet key (32 bytes, URL-safe base64).",
                "Compatible with Python's cryptography.fernet.Fernet. Both sides must hold the key before they",
                "talk: that shared secret is the weakness HTTPS removes."},
            footer = {"", "Example:", "  export SECRET_KEY=$(analyzer key fernet)"})
    static final class FernetKey implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println(Fernet.generateKey());
            out.flush();
            return ExitCodes.OK;
        }
    }
}
