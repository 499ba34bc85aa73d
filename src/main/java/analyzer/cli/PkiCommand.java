package analyzer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "pki", mixinStandardHelpOptions = true,
        description = {"Be your own certificate authority: make a CA, sign certificates, read them.",
            "Clients that trust only your CA (curl --cacert, analyzer client --cacert)",
            "accept your server and reject anyone else's."},
        subcommands = {PkiCaCommand.class, PkiCsrCommand.class, PkiSignCommand.class, PkiServerCertCommand.class,
            PkiShowCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "The workshop's path:",
            "  analyzer pki ca            # ca-private-key.pem, ca-public-key.pem",
            "  analyzer pki server-cert   # server-private-key.pem, server-csr.pem,",
            "                             # server-public-key.pem",
            "  analyzer pki show server-public-key.pem",
            "", "Private keys are written with mode 0600; nothing is overwritten without --force."})
public final class PkiCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: ca, csr, sign, server-cert or show (e.g. 'analyzer pki ca')");
    }
}
