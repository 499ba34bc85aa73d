package analyzer.cli;

import analyzer.proxy.HostAndPort;
import analyzer.report.SummaryLine;
import analyzer.web.BrowserLauncher;
import analyzer.web.Feed;
import analyzer.web.LiveView;
import analyzer.web.WebView;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The live page for one run of a command: started before the run (its URL printed, the browser opened when asked),
 * fed by the run, and kept open after it until Ctrl-C (or {@code --web-linger}) so the room can look at it.
 */
final class WebSession implements AutoCloseable {

    private final WebView web;
    private final WebPageOptions options;

    private WebSession(WebView web, WebPageOptions options) {
        this.web = web;
        this.options = options;
    }

    /** The page, when {@code --web} (or one of its options) was given; otherwise null. */
    static WebSession startIf(WebOptions options, String title, List<String> secrets, boolean showSecrets,
                              CommandSpec spec) {
        return options != null && options.enabled() ? start(options.page, title, secrets, showSecrets, spec) : null;
    }

    /**
     * Serves the page and prints its URL on standard error, whole: never fitted to the terminal's width, which
     * would break it where a terminal could no longer open it.
     */
    static WebSession start(WebPageOptions options, String title, List<String> secrets, boolean showSecrets,
                            CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        options.validate();
        InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        String givenHost = null;
        if (options.listen != null) {
            HostAndPort l = HostPort.parseListen("--web-listen", options.listen);
            givenHost = l.host();
            try {
                listen = new InetSocketAddress(InetAddress.getByName(l.host()), l.port());
            } catch (UnknownHostException e) {
                throw new UserError("--web-listen: cannot resolve " + l.host(), "Use an address such as 127.0.0.1.");
            }
            if (!listen.getAddress().isLoopbackAddress()) {
                err.println("analyzer: warning: the page is served on " + l + ", reachable from other machines"
                        + " (the token is still required)");
            }
        }
        WebView web;
        try {
            web = WebView.start(new LiveView(title, options.flows, secrets, showSecrets), listen, givenHost);
        } catch (IOException e) {
            throw new UserError(ExitCodes.USAGE, "--web-listen: " + e.getMessage(),
                    "Choose another port with --web-listen 127.0.0.1:PORT, or 0 for any free one.", e);
        }
        err.println("web view: " + web.url());
        if (options.open) {
            String problem = BrowserLauncher.open(web.url());
            if (problem != null) {
                err.println("analyzer: --open: " + problem);
            }
        }
        err.flush();
        return new WebSession(web, options);
    }

    LiveView view() {
        return web.view();
    }

    WebView web() {
        return web;
    }

    Feed feed(String seenBy, String label, boolean live) {
        return web.view().feed(seenBy, label, live);
    }

    /**
     * Says on the page that the run is over, then keeps the page open until Ctrl-C or the end of {@code
     * --web-linger}.
     */
    void linger(String banner, String tone, PrintWriter err) {
        web.view().banner(banner, tone);
        Duration d = options.linger;
        if (d != null && d.isZero()) {
            return;
        }
        String page = "http://" + web.url().getAuthority() + "/";
        err.println("the page stays open at " + page + (d == null ? " — Ctrl-C to quit" : " for " + SummaryLine.duration(d)));
        err.flush();
        CountDownLatch stop = new CountDownLatch(1);
        InterruptHandler interrupt = InterruptHandler.install(stop::countDown);
        try {
            if (d == null) {
                stop.await();
            } else {
                stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            interrupt.uninstall();
        }
    }

    @Override
    public void close() {
        web.close();
    }
}
