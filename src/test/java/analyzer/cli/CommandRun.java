package analyzer.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the tool: its exit code and what it wrote to stdout and stderr. */
public record CommandRun(int code, String out, String err) {

    public static CommandRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new CommandRun(code, out.toString(), err.toString());
    }
}
