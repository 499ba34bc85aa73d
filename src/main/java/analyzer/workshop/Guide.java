package analyzer.workshop;

import analyzer.capture.CaptureException;
import analyzer.dissect.Event;
import analyzer.dissect.HttpResponseSeen;
import analyzer.report.Style;
import analyzer.report.TextWidth;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The workshop by hand: the story of the demo, told one step at a time to an attendee who types each command in a
 * terminal of their own. The guide shows the command, watches loopback (and the files the step makes) until it sees
 * the step's effect, says what just happened and why, and goes on. It starts nothing itself: what the attendee runs
 * is what the wire shows.
 */
public final class Guide {

    /** How long the guide sleeps between two looks at the wire: quick enough to feel immediate. */
    private static final long POLL_MILLIS = 100;
    private static final int RULE_WIDTH = 78;

    /**
     * What the story's commands look like here.
     *
     * @param launcher        how the attendee starts this tool ("./analyzer", "java -jar analyzer.jar")
     * @param captureLauncher the same with what capturing needs ("sudo ./analyzer" where that is how)
     * @param serverPort      the secret server's port
     * @param httpProxyPort   the attacker's plain HTTP proxy
     * @param tlsProxyPort    the attacker's certificate-forging proxy
     * @param pkiDir          where the club's CA and the server's certificate go, as the attendee types it
     * @param notes           what the attendee should know before starting (a port that was taken)
     */
    public record Plan(String launcher, String captureLauncher, int serverPort, int httpProxyPort, int tlsProxyPort,
                       Path pkiDir, List<String> notes) {

        public Plan {
            Objects.requireNonNull(launcher, "launcher");
            Objects.requireNonNull(captureLauncher, "captureLauncher");
            Objects.requireNonNull(pkiDir, "pkiDir");
            notes = List.copyOf(notes);
        }

        /**
         * The story's usual ports (the server on {@code preferredPort}, the proxies on 8080 and 8443) where they are
         * free, ephemeral ones where not; {@code preferredPort} 0 makes every port ephemeral.
         */
        public static Plan choose(String launcher, String captureLauncher, int preferredPort, Path pkiDir) {
            List<String> notes = new ArrayList<>();
            int server = port("the secret server", preferredPort, notes);
            int http = port("the HTTP proxy", preferredPort == 0 ? 0 : 8080, notes);
            int tls = port("the forging proxy", preferredPort == 0 ? 0 : 8443, notes);
            return new Plan(launcher, captureLauncher, server, http, tls, pkiDir, notes);
        }

        private static int port(String what, int preferred, List<String> notes) {
            int chosen = LoopbackPorts.preferring(preferred);
            if (preferred != 0 && chosen != preferred) {
                notes.add("port " + preferred + " is taken: " + what + " listens on " + chosen + " instead");
            }
            return chosen;
        }
    }

    /** One step of the story: what to type where, what to wait for, and what it showed. */
    private record Step(String title, String why, List<Typed> commands, String waitingFor, Check check,
                        Check nudge, String lesson) {
    }

    /** A command to type, in the attendee's terminal {@code terminal} ("stop …" says what to end there first). */
    private record Typed(int terminal, String first, String command) {
    }

    /** Looks at what has happened since the step began: the words for it once it has, else empty. */
    @FunctionalInterface
    private interface Check {
        Optional<String> seen(List<Event> sinceStepBegan);
    }

    private final Plan plan;
    private final PrintWriter out;
    private final Style style;
    private final TextWidth width;
    private final String continuation;
    private final List<Event> wire = new ArrayList<>();
    private volatile boolean left;

    /**
     * @param continuation how a command wrapped over lines continues: " \\" for POSIX shells, " ^" for cmd
     */
    public Guide(Plan plan, PrintWriter out, Style style, TextWidth width, String continuation) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.out = Objects.requireNonNull(out, "out");
        this.style = Objects.requireNonNull(style, "style");
        this.width = Objects.requireNonNull(width, "width");
        this.continuation = Objects.requireNonNull(continuation, "continuation");
    }

    /** Ends {@link #run} at its next look (Ctrl-C); safe from any thread. */
    public void leave() {
        left = true;
    }

    /**
     * Walks the attendee through every step; returns how many were done (all of them unless {@link #leave} was
     * called).
     *
     * @throws CaptureException when loopback cannot be captured here: the guide has no eyes then
     */
    public int run() throws CaptureException {
        List<Step> steps = steps();
        try (WireTap tap = WireTap.start(List.of(plan.serverPort(), plan.httpProxyPort(), plan.tlsProxyPort()), null,
                UnaryOperator.identity(), this::saw)) {
            introduce(steps.size());
            for (int i = 0; i < steps.size(); i++) {
                if (!walk(steps.get(i), i + 1, steps.size())) {
                    out.println();
                    out.println(width.fit("Left the guide at step " + (i + 1) + "/" + steps.size() + ". What you"
                            + " started still runs in its terminal: stop it there with Ctrl-C.", 0));
                    out.flush();
                    return i;
                }
            }
            tap.stop();
        }
        out.println();
        say(style.bold("That is the whole story.") + " " + plan.launcher() + " demo plays it in one command and"
                + " scores every attack; stop the server, the proxy and the capture with Ctrl-C in their terminals.", 0);
        out.flush();
        return steps.size();
    }

    private void saw(Event event) {
        synchronized (wire) {
            wire.add(event);
        }
    }

    private List<Event> since(int mark) {
        synchronized (wire) {
            return List.copyOf(wire.subList(mark, wire.size()));
        }
    }

    private int mark() {
        synchronized (wire) {
            return wire.size();
        }
    }

    private void introduce(int count) {
        say(style.bold("analyzer demo --guide") + " — the workshop by hand, in " + count + " steps", 0);
        say("  Open four terminals beside this one. Each step shows a command to type in one of them; this guide"
                + " watches loopback and goes on as soon as it sees the command's effect. Run the commands from this"
                + " directory. Ctrl-C here leaves.", 2);
        for (String note : plan.notes()) {
            say(style.yellow("  ⚠ " + note), 4);
        }
        out.flush();
    }

    /** Tells one step and waits for it; false when the attendee left meanwhile. */
    private boolean walk(Step step, int number, int count) {
        String title = "━━ Step " + number + "/" + count + " · " + step.title() + " ";
        int rule = Math.min(RULE_WIDTH, width.columns());
        out.println();
        out.println(style.bold(title + "━".repeat(Math.max(0, rule - title.length()))));
        say("  " + step.why(), 2);
        for (Typed typed : step.commands()) {
            out.println();
            say("  In terminal " + typed.terminal() + (typed.first() == null ? ":" : ", " + typed.first()
                    + ", then:"), 4);
            out.println(style.cyan(width.fitCommand("    " + typed.command(), continuation)));
        }
        say(style.dim("  … waiting for " + step.waitingFor()), 4);
        out.flush();
        int mark = mark();
        boolean nudged = false;
        while (!left) {
            List<Event> seen = since(mark);
            Optional<String> done = step.check().seen(seen);
            if (done.isPresent()) {
                say(style.green("  ✓ ") + done.get(), 4);
                say("    " + step.lesson(), 4);
                out.flush();
                return true;
            }
            if (!nudged && step.nudge() != null) {
                Optional<String> nudge = step.nudge().seen(seen);
                if (nudge.isPresent()) {
                    nudged = true;
                    say(style.yellow("  ⚠ ") + nudge.get(), 4);
                    out.flush();
                }
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void say(String text, int hang) {
        out.println(width.fit(text, hang));
    }

    private List<Step> steps() {
        int p = plan.serverPort();
        int h = plan.httpProxyPort();
        int t = plan.tlsProxyPort();
        String tool = plan.launcher();
        Path ca = plan.pkiDir().resolve("ca-public-key.pem");
        Path serverCertificate = plan.pkiDir().resolve("server-public-key.pem");
        Path serverKey = plan.pkiDir().resolve("server-private-key.pem");
        FileChange certificateMade = new FileChange(serverCertificate);
        String serverPortOption = p == SecretServerConfig.DEFAULT_PORT ? "" : " --port " + p;
        String secret = SecretServerConfig.DEFAULT_MESSAGE;
        String forged = "squirrel party";
        boolean pkiExists = Files.exists(ca) || Files.exists(serverCertificate);
        String force = pkiExists ? " --force" : "";
        return List.of(
                new Step("The secret server",
                        "The Secret Squirrels' server hands out its secret, \"" + secret + "\", over plain HTTP, as"
                                + " many services inside a network still do.",
                        List.of(new Typed(1, null, tool + " server" + serverPortOption)),
                        "a server on 127.0.0.1:" + p,
                        listening(p, "A server listens on 127.0.0.1:" + p + "."),
                        null,
                        "It answers anyone who asks; the question is who else can read the answer."),
                new Step("Watch the wire, then ask for the secret",
                        "Terminal 2 plays the eavesdropper: it captures loopback on the story's ports (capturing"
                                + " needs root, or the setcap of the README). Terminal 4 is the club member"
                                + " fetching the secret.",
                        List.of(new Typed(2, null, plan.captureLauncher() + " capture --port " + p + "," + h + ","
                                        + t),
                                new Typed(4, "once terminal 2 says Capturing", tool + " client http://127.0.0.1:" + p
                                        + "/")),
                        "the answer on the wire",
                        seen -> WireSigns.answerFrom(seen, p).map(r -> "The answer crossed loopback in clear: \""
                                + WireSigns.bodyText(r) + "\" (" + Sightings.where(r) + ")."),
                        null,
                        "Terminal 2 printed it too, every header and the body: over plain HTTP anyone on the path"
                                + " reads everything."),
                new Step("The attacker's proxy",
                        "The attacker sits between the member and the server: a proxy that relays every request"
                                + " and rewrites the answer on its way back.",
                        List.of(new Typed(3, null, tool + " proxy --listen 127.0.0.1:" + h + " --upstream 127.0.0.1:"
                                + p + " --replace \"" + secret + "=>" + forged + "\"")),
                        "a proxy on 127.0.0.1:" + h,
                        listening(h, "The proxy listens on 127.0.0.1:" + h + "."),
                        null,
                        "On a real network it would be a router, a Wi-Fi hotspot or a poisoned DNS answer that"
                                + " sends the member there; here the member will ask it directly."),
                new Step("The member goes through the proxy",
                        "The member asks the proxy, believing it is the server.",
                        List.of(new Typed(4, null, tool + " client http://127.0.0.1:" + h + "/")),
                        "the answer through the proxy",
                        seen -> WireSigns.answerFrom(seen, h).map(r -> relayed(seen, r, p)),
                        null,
                        "Terminal 3 printed what it read (EAVESDROP) and what it changed (TAMPERED). Plain HTTP"
                                + " has no way to notice: nothing says who wrote the answer."),
                new Step("Your own certificate authority",
                        "HTTPS fixes both, if the client checks whose certificate it gets. Make the club's CA, then"
                                + " a certificate for localhost that it signs. The CA's key is encrypted: choose a"
                                + " passphrase and give it again for the second command.",
                        List.of(new Typed(4, null, tool + " pki ca --out " + plan.pkiDir() + force),
                                new Typed(4, null, tool + " pki server-cert --ca-dir " + plan.pkiDir() + " --out "
                                        + plan.pkiDir() + " --no-passphrase" + force)),
                        serverCertificate + " and its key",
                        seen -> certificateMade.changed() && Files.exists(serverKey) && Files.exists(ca)
                                ? Optional.of(ca + " is the CA's certificate, " + serverCertificate + " the"
                                        + " server's, signed by it.")
                                : Optional.empty(),
                        null,
                        "A client that pins " + ca + " trusts that CA and no other: not the attacker's, nor any"
                                + " CA of the system's store."),
                new Step("The server speaks HTTPS",
                        "The same server, now presenting the certificate your CA signed.",
                        List.of(new Typed(1, "stop the server (Ctrl-C)", tool + " server" + serverPortOption
                                + " --tls --cert " + serverCertificate + " --key " + serverKey)),
                        "the server to stop and start again on " + p,
                        restarted(p, "The server is back on 127.0.0.1:" + p + ", now speaking HTTPS."),
                        null,
                        "Its certificate names localhost and was signed by your CA: a client can check both."),
                new Step("The member pins the club's CA",
                        "The member fetches the secret over HTTPS, trusting your CA alone.",
                        List.of(new Typed(4, null, tool + " client --cacert " + ca + " https://localhost:" + p
                                + "/")),
                        "a TLS connection to " + p,
                        seen -> WireSigns.completedTo(seen, p).map(c -> "The member got the secret over "
                                + c.negotiated() + (WireSigns.answerFrom(seen, p).isEmpty()
                                ? ", and the wire holds none of it: " + c.records() + " TLS records, encrypted."
                                : ".")),
                        seen -> WireSigns.answerFrom(seen, p).map(r -> "The server on " + p + " still answers in"
                                + " plain HTTP: stop it in terminal 1 and start it again with --tls."),
                        "Terminal 2 shows the handshake and then only records it cannot read: the secret is"
                                + " inside them."),
                new Step("The attacker forges a certificate",
                        "The attacker's proxy now speaks TLS too: it makes up a certificate for localhost, signed"
                                + " by a CA of its own, and reads what the member sends before passing it on.",
                        List.of(new Typed(3, "stop the HTTP proxy (Ctrl-C)", tool + " proxy --listen 127.0.0.1:"
                                + t + " --upstream localhost:" + p + " --tls intercept --mitm-ca "
                                + plan.pkiDir().resolve("mitm-ca") + " --upstream-cacert " + ca)),
                        "a proxy on 127.0.0.1:" + t,
                        listening(t, "The forging proxy listens on 127.0.0.1:" + t + "."),
                        null,
                        "Its certificate says localhost, as the real one does; only its issuer differs."),
                new Step("The pinned member meets the forgery",
                        "The member, pinning the club's CA, is sent to the attacker's proxy.",
                        List.of(new Typed(4, null, tool + " client --cacert " + ca + " https://localhost:" + t + "/")),
                        "the handshake with the proxy",
                        seen -> WireSigns.refusedTo(seen, t).map(c -> "The member refused the forged certificate: "
                                + c.howRefused() + "."),
                        seen -> WireSigns.completedTo(seen, t).map(c -> "That client accepted the forged"
                                + " certificate: give it --cacert " + ca + " (and no --insecure)."),
                        "It sent no request: the proxy had nothing to read and the secret never left the server."
                                + " Terminal 4 says certificate verify failed; curl --cacert and Python's requests"
                                + " say the same, in the same words: the forged certificate does not lead to the"
                                + " pinned CA."),
                new Step("A member who trusts anything",
                        "The same proxy, and a client told to accept any certificate (curl -k, verify=False).",
                        List.of(new Typed(4, null, tool + " client --insecure https://localhost:" + t + "/")),
                        "the handshake with the proxy",
                        seen -> WireSigns.completedTo(seen, t).map(c -> "The handshake completed ("
                                + c.negotiated() + "): the member took the forged certificate."),
                        null,
                        "Terminal 3 read the secret and could have changed it, while the wire shows only TLS:"
                                + " encryption without checking whom you talk to protects nothing. Pin the CA."));
    }

    /** "The server sent "fluffy tail"; the member got "squirrel party"" for an answer relayed by the proxy. */
    private static String relayed(List<Event> seen, HttpResponseSeen atClient, int serverPort) {
        String got = WireSigns.bodyText(atClient);
        Optional<HttpResponseSeen> fromServer = WireSigns.lastAnswerFromBefore(seen, serverPort, atClient);
        if (fromServer.isEmpty()) {
            return "The member got \"" + got + "\" from the proxy (" + Sightings.where(atClient) + ").";
        }
        String sent = WireSigns.bodyText(fromServer.get());
        return sent.equals(got)
                ? "The proxy relayed the answer unchanged, \"" + got + "\", having read it all."
                : "The server sent \"" + sent + "\" (" + Sightings.where(fromServer.get()) + "); the member got \""
                        + got + "\" (" + Sightings.where(atClient) + ").";
    }

    private static Check listening(int port, String words) {
        return seen -> LoopbackPorts.free(port) ? Optional.empty() : Optional.of(words);
    }

    /** Seen once the port has been free at one look and is taken again at a later one. */
    private static Check restarted(int port, String words) {
        boolean[] wasFree = {false};
        return seen -> {
            boolean free = LoopbackPorts.free(port);
            wasFree[0] |= free;
            return wasFree[0] && !free ? Optional.of(words) : Optional.empty();
        };
    }

    /** Whether a file was written since the step was told (it may have existed from an earlier run). */
    private static final class FileChange {
        private final Path file;
        private FileTime before;
        private boolean noted;

        FileChange(Path file) {
            this.file = file;
        }

        boolean changed() {
            FileTime now = modified();
            if (!noted) {
                noted = true;
                before = now;
                return false;
            }
            return now != null && !now.equals(before);
        }

        private FileTime modified() {
            try {
                return Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            } catch (IOException e) {
                return null;
            }
        }
    }
}
