package analyzer.workshop;

import analyzer.capture.CaptureException;
import analyzer.dissect.Event;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.TlsDecryptionSeen;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.pki.IssuedCertificate;
import analyzer.pki.KeyType;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import analyzer.pki.SubjectName;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The stolen-key stage: the pinned victim fetches the secret from the real server twice, once over TLS 1.2 with RSA
 * key exchange and once with ECDHE, while the attacker records the wire and reads nothing of it. Then the attacker
 * steals the server's private key: the recorded RSA-key-exchange sessions open (the secret, with its frames, and
 * the victim's login, whose cookie the attacker replays), the ECDHE one does not — forward secrecy. Pinning protects against a forged certificate, not against the real key in
 * the wrong hands.
 */
final class StolenKeyRun implements AutoCloseable {

    private static final Stage STAGE = Stage.HTTPS_STOLEN_KEY;
    private static final Member VICTIM = Member.DEMO.get(0);

    private final DemoConfig config;
    private final Demo.Narration narration;
    private final StageProps props = new StageProps();
    private SecretServer rsaServer;
    private SecretServer ecdheServer;
    private IssuedCertificate serverCertificate;
    private WireTap tap;
    private Path recording;
    private boolean temporaryRecording;
    private SecretClient victim;
    /** The victim's session cookie as its login got it, or null when the login failed. */
    private String loggedIn;
    /** The recording as read with the stolen key, or null before (or without) it. */
    private List<Event> withKey;

    private StolenKeyRun(DemoConfig config, Demo.Narration narration) {
        this.config = config;
        this.narration = narration;
    }

    static StolenKeyRun open(Demo.Cast cast, DemoConfig config, Demo.Narration narration) throws Demo.DemoException {
        StolenKeyRun run = new StolenKeyRun(config, narration);
        try {
            run.start(cast);
            return run;
        } catch (Demo.DemoException | RuntimeException e) {
            run.close();
            throw e;
        }
    }

    private void start(Demo.Cast cast) throws Demo.DemoException {
        // RSA key exchange needs an RSA certificate key; both servers present the same certificate and key.
        try {
            serverCertificate = cast.clubCa().issueServerCertificate(new SubjectName("localhost", "Secret Squirrels",
                    "US", null, null), List.of("DNS:localhost", "IP:127.0.0.1", "IP:::1"), KeyType.RSA,
                    Demo.CERTIFICATE_VALIDITY);
        } catch (PkiException e) {
            throw new Demo.DemoException("cannot issue the server's RSA certificate: " + e.getMessage(), null, e);
        }
        SecretServerConfig.TlsIdentity identity = new SecretServerConfig.TlsIdentity(serverCertificate.privateKey(),
                List.of(serverCertificate.certificate()));
        rsaServer = server(identity.withRsaKeyExchange(true), cast.serverPort());
        ecdheServer = server(identity, 0);
        narration.line("server", url(rsaServer) + " serves \"" + config.secret() + "\" over TLS 1.2 with RSA key"
                + " exchange only (no forward secrecy), RSA certificate for localhost signed by the club's CA");
        narration.line("server", url(ecdheServer) + " serves the same with ECDHE (forward secrecy), same certificate"
                + " and key");
        if (cast.wire()) {
            try {
                temporaryRecording = cast.recordDir() == null;
                recording = temporaryRecording ? Files.createTempFile("demo-" + STAGE.key() + "-", ".pcap")
                        : cast.recordDir().resolve("demo-" + STAGE.key() + ".pcapng");
                tap = keep(WireTap.start(List.of(rsaServer.address().getPort(), ecdheServer.address().getPort()),
                        recording, dissector -> dissector, narration.wire(STAGE)));
            } catch (CaptureException e) {
                narration.warning("cannot capture this stage: " + e.getMessage(), e.hint());
            } catch (IOException e) {
                narration.warning("cannot record this stage: " + e.getMessage(), null);
            }
        }
        victim = keep(SecretClient.create(SecretClientConfig.pinned(List.of(cast.clubCa().certificate()))
                .withTimeout(config.timeout())));
        narration.line("victim", "client that trusts only the club's CA (--cacert), talking to the real server");
        narration.line("attacker", "records the wire; steals the server's private key afterwards");
    }

    private SecretServer server(SecretServerConfig.TlsIdentity identity, int port) throws Demo.DemoException {
        try {
            return keep(SecretServer.start(SecretServerConfig.defaults().withPort(port).withMessage(config.secret())
                    .withTls(identity), SecretServer.Listener.NONE));
        } catch (IOException e) {
            throw new Demo.DemoException("cannot start the secret server on port " + port + ": " + e.getMessage(),
                    "Free the port, or run the demo with --port 0 for an ephemeral one.", e);
        }
    }

    /** Reads the recording with the stolen key; the only attack this stage plays. */
    Map<Attack, AttackResult> attack() {
        Map<Attack, AttackResult> results = new EnumMap<>(Attack.class);
        judged(results, Attack.EAVESDROP, eavesdrop());
        judged(results, Attack.TAMPER, AttackResult.notTried("this stage reads a recording afterwards"));
        judged(results, Attack.SESSION_HIJACK, hijack());
        return results;
    }

    private void judged(Map<Attack, AttackResult> results, Attack attack, AttackResult result) {
        results.put(attack, result);
        narration.result(STAGE, attack, result);
    }

    private AttackResult eavesdrop() {
        for (SecretServer server : List.of(rsaServer, ecdheServer)) {
            narration.line("victim", "GET " + url(server) + (server == rsaServer ? "  (RSA key exchange)" : "  (ECDHE)"));
            try {
                narration.line("victim", "The secret message is: " + victim.secret(url(server)));
            } catch (ClientFailure | Fernet.InvalidTokenException e) {
                narration.line("victim", "failed: " + e.getMessage());
                return AttackResult.unavailable("the victim could not fetch the secret: " + e.getMessage());
            }
        }
        URI login = url(rsaServer).resolve("/login");
        try {
            narration.line("victim", "POST " + login + " as " + VICTIM.username());
            loggedIn = victim.login(login, VICTIM.username(), VICTIM.password());
        } catch (ClientFailure e) {
            narration.line("victim", "failed: " + e.getMessage());
        }
        if (tap == null) {
            return AttackResult.unavailable("the wire was not captured: there is no recording to open");
        }
        String quoted = "\"" + config.secret() + "\"";
        List<Event> withoutKey;
        try {
            withoutKey = tap.stop();
        } catch (CaptureException e) {
            narration.warning("the capture of this stage failed: " + e.getMessage(), e.hint());
            return AttackResult.unavailable("the capture failed: " + e.getMessage());
        }
        narration.line("wire", tap.packets() + " packets: " + Sightings.tlsRecords(withoutKey) + " TLS records; "
                + quoted + (Sightings.responseWith(withoutKey, config.secret()).isPresent() ? " readable"
                : " in no readable byte"));

        narration.line("attacker", "steals the server's private key (a backup, a compromised host): the victim's pin"
                + " still trusts this certificate");
        KeyMaterial stolen = new KeyMaterial(problem -> { });
        stolen.addServerKey("stolen from localhost", serverCertificate.privateKey());
        try {
            withKey = WireTap.readBack(recording, stolen);
        } catch (CaptureException e) {
            return AttackResult.unavailable("the recording could not be read back: " + e.getMessage());
        }
        Set<Integer> opened = new TreeSet<>();
        Set<Integer> shut = new TreeSet<>();
        for (Event e : withKey) {
            if (e instanceof TlsDecryptionSeen d) {
                boolean rsa = d.flow().server().port() == rsaServer.address().getPort();
                narration.line("wire", "connection " + d.flow().id() + " (" + (rsa ? "RSA key exchange" : "ECDHE")
                        + "): " + (d.outcome() == TlsDecryptionSeen.Outcome.DECRYPTED ? "decrypted " : "not decrypted: ")
                        + d.detail());
                (d.outcome() == TlsDecryptionSeen.Outcome.DECRYPTED ? opened : shut).add(d.flow().id());
            }
        }
        Optional<HttpResponseSeen> read = Sightings.responseWith(withKey, config.secret());
        boolean ecdheOpened = withKey.stream().anyMatch(e -> e instanceof HttpResponseSeen r
                && r.flow().server().port() == ecdheServer.address().getPort());
        List<EvidenceFlow> flows = new ArrayList<>();
        opened.forEach(id -> flows.add(new EvidenceFlow(Witness.WIRE, id)));
        shut.forEach(id -> flows.add(new EvidenceFlow(Witness.WIRE, id)));
        if (read.isEmpty()) {
            narration.line("attacker", "the stolen key opened nothing");
            offerRecording();
            return AttackResult.failed("the stolen key opened no recorded session").withFlows(flows);
        }
        HttpResponseSeen r = read.get();
        narration.line("attacker", "with the stolen key: " + r.requestMethod() + " " + r.requestUri() + " ← "
                + r.code() + " " + quoted + " (" + Sightings.where(r) + ")");
        offerRecording();
        return AttackResult.succeeded("stolen key opened the RSA key exchange session: " + quoted + " in "
                + Sightings.where(r) + (ecdheOpened ? "; the ECDHE one opened too"
                : "; ECDHE stayed shut (forward secrecy)")).withFlows(flows);
    }

    /** The victim's session cookie, read out of the opened recording, replayed from the attacker's own client. */
    private AttackResult hijack() {
        if (loggedIn == null) {
            return AttackResult.unavailable("the victim could not log in");
        }
        if (withKey == null) {
            return AttackResult.unavailable("there is no opened recording to take a cookie from");
        }
        Optional<Sightings.StolenCookie> stolen = Sightings.sessionCookie(withKey, SecretSite.SESSION_COOKIE);
        if (stolen.isEmpty()) {
            narration.line("attacker", "found no session cookie in what the stolen key opened");
            return AttackResult.failed("no session cookie in what the stolen key opened");
        }
        Sightings.StolenCookie c = stolen.get();
        String shown = Sightings.shorten(c.cookie(), SecretSite.SESSION_COOKIE.length() + 5);
        narration.line("attacker", "took " + shown + " out of the opened recording (" + Sightings.where(c.where())
                + "), replays it from its own client");
        ClientResponse replay;
        try (SecretClient attacker = SecretClient.create(SecretClientConfig.insecure()
                .withTimeout(config.timeout()))) {
            replay = attacker.get(url(rsaServer).resolve("/members"), c.cookie());
        } catch (ClientFailure e) {
            narration.line("attacker", "replay failed: " + e.getMessage());
            return AttackResult.unavailable("the replay failed: " + e.getMessage());
        }
        narration.line("attacker", "GET /members with the stolen cookie → " + replay.status());
        List<EvidenceFlow> where = List.of(new EvidenceFlow(Witness.WIRE, c.where().flow().id()));
        if (replay.successful() && replay.text().contains(VICTIM.username())) {
            return AttackResult.succeeded("replayed " + shown + " (" + Sightings.where(c.where()) + ", opened with"
                    + " the key): got " + VICTIM.username() + "'s page").withFlows(where);
        }
        return AttackResult.failed("the server refused the stolen cookie (" + replay.status() + ")").withFlows(where);
    }

    /** Where the recording is, and how to open it as the attacker did. */
    private void offerRecording() {
        if (temporaryRecording) {
            return;
        }
        Path key = recording.resolveSibling("demo-" + STAGE.key() + ".server-key.pem");
        try {
            Pem.writePrivateKey(key, serverCertificate.privateKey(), null, true);
        } catch (PkiException e) {
            narration.warning("cannot write the stolen key next to the recording: " + e.getMessage(), null);
            return;
        }
        narration.line("wire", "recorded " + recording + "; open it as the attacker did: analyzer read " + recording
                + " --server-key " + key);
    }

    private static URI url(SecretServer server) {
        return server.url("localhost");
    }

    private <T extends AutoCloseable> T keep(T resource) {
        return props.keep(resource);
    }

    @Override
    public void close() {
        props.close();
        if (temporaryRecording && recording != null) {
            try {
                Files.deleteIfExists(recording);
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }
}
