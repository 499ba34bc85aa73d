package analyzer.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --web} and its options, for the commands that can also show their run on the live page. */
public final class WebOptions {

    @Option(names = "--web", description = "Also show this run live in a web page (its URL, with a one-time token,"
            + " is printed at start).")
    boolean web;

    @Mixin
    WebPageOptions page;

    boolean enabled() {
        return web || page.given();
    }
}
