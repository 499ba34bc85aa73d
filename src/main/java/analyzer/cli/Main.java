package analyzer.cli;

import analyzer.report.FittingWriter;
import analyzer.report.TextWidth;
import analyzer.report.Utf8Output;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "analyzer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Network traffic analyzer and man-in-the-middle demo tool.",
            "Shows what an eavesdropper sees on the wire, and proves HTTPS with a pinned CA defeats it."},
        footer = {"", "Exit codes: 0 ok · 1 check failed (plaintext seen, certificate rejected) · 2 usage or input error"
                + " · 3 nothing to judge · 4 check's wrapped command failed"})
public final class Main implements Runnable {

    /**
     * Every subcommand, in the order --help lists them. Add new ones here (not in @Command): a run builds only the
     * subcommand it names, because picocli reflects over each registered command and runs its initialisers
     * (key generators, security providers), which cost every run of any command 0.1-0.3 s once there were eight.
     */
    static final Class<?>[] SUBCOMMANDS = {
        DemoCommand.class,
        CaptureCommand.class,
        ReadCommand.class,
        CheckCommand.class,
        KeyCommand.class,
        PkiCommand.class,
        ServerCommand.class,
        ClientCommand.class,
        ProxyCommand.class,
        WebCommand.class,
        CommandLine.HelpCommand.class,
    };

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors (for bug reports).")
    boolean verbose;

    @Option(names = "--width", scope = CommandLine.ScopeType.INHERIT, paramLabel = "COLUMNS",
            description = "Fit text output into this many columns (default: the terminal's width, else $COLUMNS;"
                    + " 0 never wraps).")
    Integer width;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Widest help is drawn when the width is unlimited: a pipe gets each paragraph on one line. */
    private static final int UNWRAPPED_HELP = 1000;
    private static final int MIN_WIDTH = 20;
    /** picocli draws no help narrower than this. */
    private static final int NARROWEST_HELP = 55;

    /** The width text output of this run must fit: --width, else the terminal's, else $COLUMNS, else unlimited. */
    static TextWidth width(CommandLine.Model.CommandSpec spec) {
        Object root = spec.root().userObject();
        if (root instanceof Main main && main.width != null) {
            if (main.width != 0 && main.width < MIN_WIDTH) {
                throw new UserError("--width must be 0 (never wrap) or at least " + MIN_WIDTH + ", not " + main.width);
            }
            return TextWidth.of(main.width);
        }
        return TextWidth.ofStandardOutput();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // Before any TLS class reads it: the JDK takes this setting once, at its first server handshake.
        analyzer.pki.ServerTlsPolicy.rejectClientInitiatedRenegotiation();
        // Netty's leak detector samples buffer allocations with stack traces: worth it in tests (which set the
        // level explicitly), a measurable cost on a capture of a million packets.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        // Events can be many: stdout is buffered and flushed by the commands (every 200 ms when live). UTF-8
        // regardless of the locale, so arrows and box characters survive a C locale; the JSON printer hands its
        // lines over already encoded.
        PrintWriter out = new Utf8Output.Printer(new Utf8Output(new FileOutputStream(FileDescriptor.out), 1 << 18));
        PrintWriter err = new PrintWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            // A thread of a library or ours died: one line, as for any other internal error.
            err.println("analyzer: internal error in " + thread.getName() + ": " + e
                    + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
        });
        int code;
        try {
            code = execute(args, out, err);
        } catch (OutOfMemoryError e) {
            out.flush();
            err.println("analyzer: out of memory (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB of heap);"
                    + " please report it with --verbose output, or give the JVM more with ANALYZER_JAVA_OPTS=-Xmx2g");
            if (verbose) {
                e.printStackTrace(err);
            }
            code = 70;
        } catch (StackOverflowError | InternalError e) {
            out.flush();
            err.println("analyzer: internal error: " + e + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            code = 70;
        }
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the tool in-process; tests use this with their own writers. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        LibraryLogging.install(java.util.Arrays.asList(args).contains("--verbose"));
        CommandLine cli = commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /** The whole command line, every subcommand built. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments: when the first one names a subcommand (other than help), only that
     * subcommand is built; anything else (--help, a typo to suggest a fix for, help COMMAND) gets them all.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        Class<?> named = null;
        if (args.length > 0 && !args[0].startsWith("-")) {
            for (Class<?> sub : SUBCOMMANDS) {
                Command command = sub.getAnnotation(Command.class);
                if (sub != CommandLine.HelpCommand.class && command != null
                        && (command.name().equals(args[0]) || java.util.Arrays.asList(command.aliases()).contains(args[0]))) {
                    named = sub;
                }
            }
        }
        for (Class<?> sub : SUBCOMMANDS) {
            if (named == null || sub == named) {
                cli.addSubcommand(sub);
            }
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        TextWidth helpWidth = requestedWidth(args);
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(helpWidth.limited() ? Math.max(NARROWEST_HELP, helpWidth.columns()) : UNWRAPPED_HELP);
        cli.setExecutionExceptionHandler(Main::handleExecutionException);
        cli.setParameterExceptionHandler(Main::handleParameterException);
        return cli;
    }

    /** {@code writer}, fitting its lines to the width of this run (see {@link FittingWriter}). */
    static PrintWriter fitted(CommandLine.Model.CommandSpec spec, PrintWriter writer) {
        TextWidth width = width(spec);
        return width.limited() ? new PrintWriter(new FittingWriter(writer, width)) : writer;
    }

    /**
     * Commands for the reader to type next, one per line under "Next:", each fitted with a shell's line
     * continuation; a line starting with '#' is a comment. Each command starts with how this tool was started.
     */
    static void next(CommandLine.Model.CommandSpec spec, PrintWriter out, String... lines) {
        TextWidth width = width(spec);
        String continuation = System.getProperty("os.name", "").startsWith("Windows") ? " ^" : " \\";
        out.println();
        out.println("Next:");
        for (String line : lines) {
            String shown = line.startsWith("analyzer ") ? Invocation.command() + line.substring("analyzer".length())
                    : line;
            out.println(line.startsWith("#") ? width.fit("  " + shown, 4) : width.fitCommand("  " + shown, continuation));
        }
        out.flush();
    }

    /**
     * The width for help, read before picocli parses anything (it draws help while parsing): a --width among the
     * arguments, else what the terminal says.
     */
    private static TextWidth requestedWidth(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String value = args[i].startsWith("--width=") ? args[i].substring("--width=".length())
                    : args[i].equals("--width") && i + 1 < args.length ? args[i + 1] : null;
            if (value != null) {
                try {
                    return TextWidth.of(Integer.parseInt(value.trim()));
                } catch (NumberFormatException e) {
                    break; // picocli reports it when it parses the option
                }
            }
        }
        return TextWidth.ofStandardOutput();
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("analyzer: " + ex.getMessage());
        err.println("  Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && anyVerbose(parsed));
        if (ex instanceof UserError ue) {
            TextWidth width = errorWidth(cmd);
            err.println(width.fitAll("analyzer: " + ue.getMessage(), 2));
            if (ue.hint() != null) {
                err.println(width.fitAll("  " + ue.hint(), 4));
            }
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ue.exitCode();
        }
        err.println("analyzer: internal error: " + ex + (verbose ? "" : " (run with --verbose for details)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return 70;
    }

    private static TextWidth errorWidth(CommandLine cmd) {
        try {
            return width(cmd.getCommandSpec());
        } catch (UserError e) {
            return TextWidth.ofStandardOutput();
        }
    }

    private static boolean anyVerbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
