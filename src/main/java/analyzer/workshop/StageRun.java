package analyzer.workshop;

import analyzer.capture.CaptureException;
import analyzer.dissect.Event;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.flow.Direction;
import analyzer.pki.Pem;
import analyzer.pki.TlsKeyLog;
import analyzer.pki.PkiException;
import analyzer.proxy.BodyReplacement;
import analyzer.proxy.ForgeryAccepted;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.HostAndPort;
import analyzer.proxy.InterceptingProxy;
import analyzer.proxy.ProxyConfig;
import analyzer.proxy.ProxyException;
import analyzer.proxy.ProxyListener;
import analyzer.proxy.ProxyReports;
import analyzer.proxy.TamperRules;
import analyzer.proxy.Tampering;
import analyzer.proxy.UpstreamTrust;
import analyzer.leaks.SecretScanner;
import analyzer.report.DecodeAsHint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One stage of the demo, set up and torn down: the secret server as the stage wants it, two attacker proxies in
 * front of it (one that only reads, one that also rewrites), the sniffer on all their ports, the victim's client
 * and the attacker's own client. {@link #attack()} tries eavesdropping, tampering and session hijacking in turn
 * and judges each from the evidence.
 */
final class StageRun implements AutoCloseable {

    private static final Member VICTIM = Member.DEMO.get(0);
    /**
     * Every Fernet token starts with its version byte and the high (zero) bytes of its timestamp, "gAAAAA" in
     * base64: the attacker cannot read the token, but can flip bits of it.
     */
    static final BodyReplacement TOKEN_BIT_FLIP = new BodyReplacement("gAAAAA", "gAAAAB");

    /** Connections a cell points at, at most, per witness. */
    private static final int MAX_EVIDENCE_FLOWS = 6;

    /** How long to wait for a proxy's report of what the victim has just seen happen. */
    private static final Duration REPORT_WAIT = Duration.ofSeconds(3);

    private final Stage stage;
    private final DemoConfig config;
    private final Demo.Narration narration;
    private final boolean tls;
    private final StageProps props = new StageProps();
    private final List<Long> wireSecretFrames = Collections.synchronizedList(new ArrayList<>());
    /** The wire's connections in which the secret was seen, by the capture's numbering. */
    private final Set<Integer> wireSecretFlows = Collections.synchronizedSet(new TreeSet<>());
    private final ProxyReports reader = new ProxyReports();
    private final ProxyReports tamperer = new ProxyReports();
    private SecretServer server;
    private InterceptingProxy readingProxy;
    private InterceptingProxy tamperingProxy;
    private WireTap tap;
    private Path recording;
    /** The TLS keys of this stage's connections (server and proxies), written next to the recording, or null. */
    private Path keyLogFile;
    private SecretClient victim;
    private X509Certificate clubCa;
    private SecretClient attacker;

    private StageRun(Stage stage, DemoConfig config, Demo.Narration narration) {
        this.stage = stage;
        this.config = config;
        this.narration = narration;
        this.tls = stage == Stage.HTTPS_PINNED || stage == Stage.HTTPS_INSECURE;
    }

    static StageRun open(Stage stage, Demo.Cast cast, DemoConfig config, Demo.Narration narration)
            throws Demo.DemoException {
        StageRun run = new StageRun(stage, config, narration);
        try {
            run.start(cast);
            return run;
        } catch (Demo.DemoException | RuntimeException e) {
            run.close();
            throw e;
        }
    }

    private void start(Demo.Cast cast) throws Demo.DemoException {
        TlsKeyLog keyLog = tls ? keyLog(cast) : null;
        SecretServerConfig serverConfig = SecretServerConfig.defaults().withPort(cast.serverPort())
                .withMessage(config.secret());
        if (tls) {
            serverConfig = serverConfig.withTls(new SecretServerConfig.TlsIdentity(
                    cast.serverCertificate().privateKey(), List.of(cast.serverCertificate().certificate()))
                    .withKeyLog(keyLog));
        }
        if (stage == Stage.FERNET) {
            serverConfig = serverConfig.withFernetKey(cast.fernetKey());
        }
        try {
            server = keep(SecretServer.start(serverConfig, SecretServer.Listener.NONE));
        } catch (IOException e) {
            throw new Demo.DemoException("cannot start the secret server on port " + cast.serverPort() + ": "
                    + e.getMessage(), "Free the port, or run the demo with --port 0 for an ephemeral one.", e);
        }
        int serverPort = server.address().getPort();
        narration.line("server", serverUrl() + " serves \"" + config.secret() + "\""
                + (stage == Stage.FERNET ? " as a Fernet token (the key was shared with members beforehand)" : "")
                + (tls ? " over TLS, certificate for localhost signed by the club's CA" : ""));

        // Over TLS the proxy forges its certificate for the upstream's name, as the victim asks for localhost (the
        // JDK sends no SNI for a name without a dot).
        HostAndPort upstream = new HostAndPort(tls ? "localhost" : "127.0.0.1", serverPort);
        InetSocketAddress anyPort = new InetSocketAddress("127.0.0.1", 0);
        ProxyConfig reading = ProxyConfig.reverse(anyPort, upstream);
        if (stage == Stage.HTTPS_INSECURE) {
            reading = reading.withIntercept(cast.mitmCa(), UpstreamTrust.insecureTrust()).withKeyLog(keyLog);
        }
        ProxyConfig tampering = ProxyConfig.reverse(anyPort, upstream)
                .withRules(TamperRules.replaceInResponses(stage == Stage.FERNET ? TOKEN_BIT_FLIP
                        : new BodyReplacement(config.secret(), config.forgery())));
        if (tls) {
            tampering = tampering.withIntercept(cast.mitmCa(), UpstreamTrust.insecureTrust()).withKeyLog(keyLog);
        }
        try {
            readingProxy = keep(InterceptingProxy.start(reading, watched(reader, Witness.READING_PROXY)));
            tamperingProxy = keep(InterceptingProxy.start(tampering, watched(tamperer, Witness.REWRITING_PROXY)));
        } catch (ProxyException e) {
            throw new Demo.DemoException("cannot start the attacker's proxy: " + e.getMessage(), e.hint(), e);
        }
        narration.line("attacker", "proxy " + url(readingProxy) + " reads what it relays"
                + (stage == Stage.HTTPS_PINNED ? " (TLS passed through: records it cannot read)"
                : stage == Stage.HTTPS_INSECURE ? " (TLS intercepted with a forged certificate)" : ""));
        narration.line("attacker", "proxy " + url(tamperingProxy) + " rewrites "
                + (stage == Stage.FERNET ? "the token's first bytes \"" + TOKEN_BIT_FLIP.find() + "\" → \""
                + TOKEN_BIT_FLIP.replacement() + "\"" : "\"" + config.secret() + "\" → \"" + config.forgery() + "\"")
                + (tls ? " (TLS intercepted with a forged certificate)" : ""));

        if (cast.wire()) {
            recording = cast.recordDir() == null ? null : cast.recordDir().resolve("demo-" + stage.key() + ".pcapng");
            try {
                tap = keep(WireTap.start(List.of(serverPort, readingProxy.address().getPort(),
                        tamperingProxy.address().getPort()), recording,
                        dissector -> new SecretScanner(dissector, List.of(config.secret()),
                                (flow, direction, secret, frame) -> {
                                    wireSecretFrames.add(frame);
                                    wireSecretFlows.add(flow.id());
                                    StageComments notes = tap == null ? null : tap.comments();
                                    if (notes != null) {
                                        notes.secretSeen(frame, secret);
                                    }
                                }), narration.wire(stage)));
            } catch (CaptureException e) {
                narration.warning("cannot capture this stage: " + e.getMessage(), e.hint());
            }
        }

        SecretClientConfig victimConfig = switch (stage) {
            case HTTPS_PINNED -> SecretClientConfig.pinned(List.of(cast.clubCa().certificate()));
            case HTTPS_INSECURE -> SecretClientConfig.insecure();
            default -> SecretClientConfig.system();
        };
        if (stage == Stage.FERNET) {
            victimConfig = victimConfig.withFernetKey(cast.fernetKey());
        }
        victim = keep(SecretClient.create(victimConfig.withTimeout(config.timeout())));
        clubCa = cast.clubCa().certificate();
        // The attacker replays stolen sessions straight to the server and checks no certificate: it wants in.
        attacker = keep(SecretClient.create(SecretClientConfig.insecure().withTimeout(config.timeout())));
        narration.line("victim", switch (stage) {
            case HTTPS_PINNED -> "client that trusts only the club's CA (--cacert), talking to the attacker's proxies";
            case HTTPS_INSECURE -> "careless client that trusts any certificate (--insecure), talking to the"
                    + " attacker's proxies";
            case FERNET -> "client that holds the Fernet key, talking to the attacker's proxies";
            default -> "client whose SECRET_URL points at the attacker's proxies";
        });
    }

    /** Tries the three attacks and judges each. */
    Map<Attack, AttackResult> attack() {
        Map<Attack, AttackResult> results = new EnumMap<>(Attack.class);
        judged(results, Attack.EAVESDROP, eavesdrop());
        judged(results, Attack.TAMPER, tamper());
        judged(results, Attack.SESSION_HIJACK, stage == Stage.FERNET
                ? AttackResult.notTried("Fernet protects the secret's body only")
                : hijack());
        wireSummary();
        return results;
    }

    private void judged(Map<Attack, AttackResult> results, Attack attack, AttackResult result) {
        results.put(attack, result);
        narration.result(stage, attack, result);
    }

    /** The proxy's reports also go where the narration wants them (a web page), if anywhere. */
    private ProxyListener watched(ProxyReports reports, Witness witness) {
        ProxyListener also = narration.proxy(stage, witness);
        return also == null ? reports : ProxyListener.both(reports, also);
    }

    /** The connections, by their witness's numbering, of the events that match; at most a few. */
    private static List<EvidenceFlow> flowsOf(Witness witness, List<? extends Event> events,
                                              Predicate<Event> matching) {
        Set<Integer> ids = new TreeSet<>();
        for (Event e : events) {
            if (matching.test(e) && ids.size() < MAX_EVIDENCE_FLOWS) {
                ids.add(e.flow().id());
            }
        }
        return ids.stream().map(id -> new EvidenceFlow(witness, id)).toList();
    }

    private static List<EvidenceFlow> concat(List<EvidenceFlow> a, List<EvidenceFlow> b) {
        List<EvidenceFlow> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private AttackResult eavesdrop() {
        URI url = url(readingProxy);
        narration.line("victim", "GET " + url);
        try {
            narration.line("victim", "The secret message is: " + victim.secret(url));
        } catch (ClientFailure | Fernet.InvalidTokenException e) {
            narration.line("victim", "failed: " + e.getMessage());
            return AttackResult.unavailable("the victim could not fetch the secret: " + e.getMessage());
        }
        List<Event> proxySaw = reader.all(Event.class);
        List<Event> wireSaw = wireSoFar();
        List<Long> frames = secretFrames();
        Optional<HttpResponseSeen> proxyRead = Sightings.responseWith(proxySaw, config.secret());
        String quoted = "\"" + config.secret() + "\"";
        if (proxyRead.isPresent()) {
            HttpResponseSeen r = proxyRead.get();
            narration.line("proxy", "EAVESDROP  " + r.requestMethod() + " " + r.requestUri() + " ← " + r.code() + " "
                    + quoted);
        } else {
            narration.line("proxy", describeUnreadable("relayed", proxySaw));
        }
        if (tap != null) {
            narration.line("wire", frames.isEmpty() ? describeUnreadable("saw", wireSaw) + ", " + quoted + " in no byte"
                    : quoted + " in " + framesText(frames));
        }
        List<EvidenceFlow> proxyFlow = proxyRead.map(r -> List.of(new EvidenceFlow(Witness.READING_PROXY,
                r.flow().id()))).orElse(List.of());
        if (!frames.isEmpty()) {
            List<EvidenceFlow> wireFlows;
            synchronized (wireSecretFlows) {
                wireFlows = wireSecretFlows.stream().limit(MAX_EVIDENCE_FLOWS)
                        .map(id -> new EvidenceFlow(Witness.WIRE, id)).toList();
            }
            return AttackResult.succeeded("saw " + quoted + " " + framesText(frames)
                    + (proxyRead.isPresent() ? "; the proxy read it too" : "")).withFlows(concat(wireFlows, proxyFlow));
        }
        if (proxyRead.isPresent()) {
            return AttackResult.succeeded("proxy read " + quoted + (tap == null ? " (wire not captured)"
                    : "; the wire carried only TLS")).withFlows(concat(proxyFlow,
                    flowsOf(Witness.WIRE, wireSaw, e -> e instanceof TlsRecordSeen)));
        }
        List<Event> seen = tap != null ? wireSaw : proxySaw;
        String what = stage == Stage.FERNET
                ? "saw a token only: " + Sightings.firstSecretPageBody(proxySaw).map(t -> Sightings.shorten(t, 12))
                        .orElse("no readable body")
                : "saw " + Sightings.tlsRecords(seen) + " TLS records, no secret";
        List<EvidenceFlow> looked = concat(flowsOf(Witness.WIRE, wireSaw, e -> true),
                flowsOf(Witness.READING_PROXY, proxySaw, e -> true));
        return AttackResult.failed(what + (tap == null ? " (proxy only; wire not captured)" : "")).withFlows(looked);
    }

    private AttackResult tamper() {
        URI url = url(tamperingProxy);
        narration.line("victim", "GET " + url);
        String got;
        try {
            got = victim.secret(url);
        } catch (Fernet.InvalidTokenException e) {
            reportTamperings();
            narration.line("victim", "InvalidToken — " + e.getMessage());
            return tamperer.all(Tampering.class).isEmpty()
                    ? AttackResult.unavailable("the token was refused, but the proxy changed nothing")
                    : AttackResult.detected("client: InvalidToken, the altered token failed its HMAC")
                            .withFlows(tamperingFlows());
        } catch (ClientFailure e) {
            narration.line("victim", e.getMessage());
            if (e.hint() != null) {
                narration.line("", e.hint());
            }
            if (!e.kind().certificateRejected()) {
                return AttackResult.unavailable("the victim's request failed: " + e.getMessage());
            }
            String why = rejection();
            List<EvidenceFlow> flows = concat(tamperer.all(ForgeryRejected.class).stream().limit(MAX_EVIDENCE_FLOWS)
                    .map(r -> new EvidenceFlow(Witness.REWRITING_PROXY, r.flow().id())).toList(),
                    flowsOf(Witness.WIRE, wireSoFar(), seen -> seen instanceof TlsRecordSeen t && t.alert() != null));
            compareWithOpenSslClients(url, e.getMessage());
            return AttackResult.failed("forged cert rejected" + why).withFlows(flows);
        }
        narration.line("victim", "The secret message is: " + got);
        reportTamperings();
        if (got.contains(config.forgery())) {
            return AttackResult.succeeded("client got \"" + config.forgery() + "\"").withFlows(tamperingFlows());
        }
        return AttackResult.failed("client got " + (got.equals(config.secret()) ? "the real secret"
                : "\"" + Sightings.shorten(got, 20) + "\"") + "; nothing was rewritten")
                .withFlows(flowsOf(Witness.REWRITING_PROXY, tamperer.all(Event.class), e -> true));
    }

    private List<EvidenceFlow> tamperingFlows() {
        return tamperer.all(Tampering.class).stream().map(t -> t.flow().id()).distinct().limit(MAX_EVIDENCE_FLOWS)
                .map(id -> new EvidenceFlow(Witness.REWRITING_PROXY, id)).toList();
    }

    private void reportTamperings() {
        for (Tampering t : tamperer.all(Tampering.class)) {
            narration.line("proxy", "TAMPERED  " + t.part() + "  \"" + Sightings.shorten(t.before(), 30) + "\" → \""
                    + Sightings.shorten(t.after(), 30) + "\"");
        }
    }

    /**
     * What curl and Python's requests, pinning the same CA, print against the same forged certificate: the same
     * failure as our client's, in the words attendees meet with their own tools.
     */
    private void compareWithOpenSslClients(URI url, String ours) {
        Path caPem = null;
        try {
            caPem = Files.createTempFile("club-ca-", ".pem");
            Pem.writeCertificates(caPem, true, clubCa);
            List<OpenSslClients.Refusal> refusals = OpenSslClients.refusals(url, caPem);
            String words = ours.substring(ours.indexOf(':') + 1).strip();
            boolean same = !refusals.isEmpty();
            for (OpenSslClients.Refusal r : refusals) {
                narration.line(r.client(), r.printed());
                same &= r.printed().contains(words);
            }
            if (!refusals.isEmpty()) {
                narration.line("", (same ? "the same failure, in the same words" : "the same failure, in other words")
                        + ": the forged certificate does not lead to the pinned CA");
            }
        } catch (IOException | PkiException e) {
            // the comparison is an aside: without a file for the CA there is nothing to run them with
        } finally {
            if (caPem != null) {
                try {
                    Files.deleteIfExists(caPem);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** " (certificate_unknown)" and, where the wire shows it, where; narrates the proxy's report. */
    private String rejection() {
        List<ForgeryRejected> rejected = tamperer.await(ForgeryRejected.class, 1, r -> true, REPORT_WAIT);
        String alert = null;
        for (ForgeryRejected r : rejected) {
            narration.line("proxy", "ATTACK FAILED  client " + r.flow().client() + " rejected the forged certificate"
                    + " for " + r.host() + (r.alert() == null ? " (it closed the connection)" : " (alert " + r.alert()
                    + (r.evidence() == ForgeryRejected.Evidence.ALERT_DECRYPTED ? ", sent encrypted under TLS 1.3"
                    : "") + ")"));
            if (alert == null && r.alert() != null) {
                alert = r.alert();
            }
        }
        StringBuilder evidence = new StringBuilder();
        evidence.append(" (").append(alert == null ? "connection closed" : alert).append(")");
        Optional<TlsRecordSeen> inClear = Sightings.alertInClear(wireSoFar());
        if (inClear.isPresent()) {
            TlsRecordSeen r = inClear.get();
            String description = TlsNames.alertDescription(r.alert().description());
            narration.line("wire", "alert " + description + " from the client in clear, " + Sightings.where(r));
            evidence.append("; on the wire ").append(Sightings.where(r));
        }
        return evidence.toString();
    }

    private AttackResult hijack() {
        URI base = url(readingProxy);
        String cookie;
        try {
            narration.line("victim", "POST " + base.resolve("/login") + " as " + VICTIM.username());
            cookie = victim.login(base.resolve("/login"), VICTIM.username(), VICTIM.password());
            ClientResponse page = victim.get(base.resolve("/members"), cookie);
            narration.line("victim", "GET /members → " + page.status() + " \"" + firstLine(page.text()) + "\"");
        } catch (ClientFailure e) {
            narration.line("victim", "failed: " + e.getMessage());
            return AttackResult.unavailable("the victim could not log in: " + e.getMessage());
        }
        List<Event> wireSaw = wireSoFar();
        Optional<Sightings.StolenCookie> stolen = Sightings.sessionCookie(wireSaw, SecretSite.SESSION_COOKIE)
                .or(() -> Sightings.sessionCookie(reader.all(Event.class), SecretSite.SESSION_COOKIE));
        if (stolen.isEmpty()) {
            List<Event> seen = tap != null ? wireSaw : reader.all(Event.class);
            narration.line("attacker", "found no session cookie in what it saw");
            return AttackResult.failed("no session cookie seen, only " + Sightings.tlsRecords(seen) + " TLS records")
                    .withFlows(tap != null ? flowsOf(Witness.WIRE, wireSaw, e -> true)
                            : flowsOf(Witness.READING_PROXY, seen, e -> true));
        }
        Sightings.StolenCookie c = stolen.get();
        List<EvidenceFlow> where = List.of(new EvidenceFlow(c.where().frames().isEmpty() ? Witness.READING_PROXY
                : Witness.WIRE, c.where().flow().id()));
        String shown = Sightings.shorten(c.cookie(), SecretSite.SESSION_COOKIE.length() + 5);
        narration.line("attacker", "stole " + shown + " (" + Sightings.where(c.where()) + "), replays it from its own"
                + " client");
        ClientResponse replay;
        try {
            Instant now = Instant.now();
            replayed = new Replay(now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000, c.cookie(), shown);
            replay = attacker.get(serverUrl().resolve("/members"), c.cookie());
        } catch (ClientFailure e) {
            narration.line("attacker", "replay failed: " + e.getMessage());
            return AttackResult.unavailable("the replay failed: " + e.getMessage());
        }
        narration.line("attacker", "GET /members with the stolen cookie → " + replay.status() + " \""
                + firstLine(replay.text()) + "\"");
        if (replay.successful() && replay.text().contains(VICTIM.username())) {
            return AttackResult.succeeded("replayed " + shown + " (" + Sightings.where(c.where()) + "): got "
                    + VICTIM.username() + "'s page").withFlows(where);
        }
        return AttackResult.failed("the server refused the stolen cookie (" + replay.status() + ")").withFlows(where);
    }

    /** The attacker's replay of a stolen cookie: when it started, the cookie, how the story shows it. */
    private record Replay(long sinceMicros, String cookie, String shown) {
    }

    private Replay replayed;

    /** What the attacker's proxies did, on the frames of the recording where the victim's connections show it. */
    private void commentRecording(StageComments notes) {
        for (Event e : reader.all(Event.class)) {
            if (e instanceof HttpResponseSeen r) {
                notes.proxyRead(r);
            }
        }
        tamperer.all(Tampering.class).forEach(notes::tampered);
        for (ProxyReports proxy : List.of(reader, tamperer)) {
            proxy.all(ForgeryRejected.class).forEach(notes::forgeryRejected);
            proxy.all(ForgeryAccepted.class).forEach(notes::forgeryAccepted);
        }
        if (replayed != null) {
            notes.replayed(wireSoFar(), replayed.sinceMicros(), replayed.cookie(), replayed.shown());
        }
    }

    private void wireSummary() {
        if (tap == null) {
            return;
        }
        if (tap.comments() != null) {
            commentRecording(tap.comments());
        }
        String keys = keyLogText();
        tap.secrets(keys);
        List<Event> all;
        try {
            all = tap.stop();
        } catch (CaptureException e) {
            narration.warning("the capture of this stage failed: " + e.getMessage(), e.hint());
            return;
        }
        List<Long> frames = secretFrames();
        narration.line("wire", tap.packets() + " packets: " + Sightings.httpMessages(all) + " HTTP messages in clear, "
                + Sightings.tlsRecords(all) + " TLS records; \"" + config.secret() + "\" "
                + (frames.isEmpty() ? "in no captured byte" : "in " + framesText(frames)));
        if (recording != null) {
            narration.line("wire", "recorded " + recording + " (analyzer read / analyzer check --read; Wireshark"
                    + " shows what the attacker did as packet comments)");
            if (!keys.isEmpty()) {
                narration.line("wire", "its TLS keys are inside it (and in " + keyLogFile.getFileName() + "):"
                        + " Wireshark and analyzer read open it decrypted with no setup");
                encryptedAlert();
            }
            DecodeAsHint decodeAs = new DecodeAsHint();
            all.forEach(decodeAs::accept);
            decodeAs.lines(recording).forEach(line -> narration.line("", line.strip()));
        }
    }

    /**
     * Under TLS 1.3 a client that turns a certificate down says so encrypted: read back with the keys inside it, the
     * recording shows that alert on the wire too.
     */
    private void encryptedAlert() {
        List<Event> opened;
        try {
            opened = WireTap.readBack(recording, KeyMaterial.none());
        } catch (CaptureException e) {
            return; // the recording itself was said to be written; what it shows inside is an aside
        }
        for (Event e : opened) {
            if (e instanceof TlsRecordSeen r && r.decrypted() && r.alert() != null && r.alert().level() == 2
                    && r.direction() == Direction.CLIENT_TO_SERVER) {
                narration.line("wire", "opened with those keys: alert " + TlsNames.alertDescription(
                        r.alert().description()) + " from the client, sent encrypted, " + Sightings.where(r));
                return;
            }
        }
    }

    /** What the stage's TLS endpoints logged of their keys so far; empty when nothing was logged. */
    private String keyLogText() {
        if (keyLogFile == null) {
            return "";
        }
        try {
            return Files.readString(keyLogFile);
        } catch (IOException e) {
            narration.warning("cannot read back the stage's TLS keys: " + e.getMessage(), null);
            return "";
        }
    }

    /** "relayed 9 TLS records it cannot read", "saw only a token: gAAAAAB…" */
    private static String describeUnreadable(String verb, List<Event> events) {
        long records = Sightings.tlsRecords(events);
        if (records > 0) {
            return verb + " " + records + " TLS records it cannot read";
        }
        return Sightings.firstSecretPageBody(events).map(t -> verb + " only a token: " + Sightings.shorten(t, 16))
                .orElse(verb + " nothing readable");
    }

    private List<Event> wireSoFar() {
        if (tap == null) {
            return List.of();
        }
        try {
            return tap.eventsSoFar();
        } catch (CaptureException e) {
            return List.of();
        }
    }

    private List<Long> secretFrames() {
        synchronized (wireSecretFrames) {
            return List.copyOf(new TreeSet<>(wireSecretFrames));
        }
    }

    private static String framesText(List<Long> frames) {
        StringBuilder sb = new StringBuilder(frames.size() == 1 ? "frame " : "frames ");
        int shown = Math.min(frames.size(), 4);
        for (int i = 0; i < shown; i++) {
            sb.append(i > 0 ? ", " : "").append(frames.get(i));
        }
        return frames.size() > shown ? sb.append(", …").toString() : sb.toString();
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int eol = t.indexOf('\n');
        return Sightings.shorten(eol < 0 ? t : t.substring(0, eol), 40);
    }

    /**
     * When recording an HTTPS stage: the key log the server and the attacker's intercepting proxies write, next to
     * the recording (DIR/demo-STAGE.keys), so the recording can be opened inside its TLS afterwards. Null when not
     * recording, or where no TLS engine gives its keys out (the stage then plays as it would anyway).
     */
    private TlsKeyLog keyLog(Demo.Cast cast) {
        if (cast.recordDir() == null || !cast.wire()) {
            return null;
        }
        if (!TlsKeyLog.available()) {
            narration.warning("the recording's TLS keys cannot be written here (no OpenSSL engine): Wireshark will"
                    + " show its TLS as records", null);
            return null;
        }
        Path file = cast.recordDir().resolve("demo-" + stage.key() + ".keys");
        try {
            Files.deleteIfExists(file); // a fresh log per run: the keys of an earlier run open nothing recorded now
            keyLogFile = file;
            return keep(TlsKeyLog.open(file));
        } catch (IOException e) {
            narration.warning("cannot write the stage's TLS keys: " + e.getMessage(), null);
            return null;
        }
    }

    private URI serverUrl() {
        return server.url(tls ? "localhost" : "127.0.0.1");
    }

    private URI url(InterceptingProxy proxy) {
        return URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + proxy.address().getPort() + "/");
    }

    private <T extends AutoCloseable> T keep(T resource) {
        return props.keep(resource);
    }

    @Override
    public void close() {
        props.close();
    }
}
