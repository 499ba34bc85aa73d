package analyzer.report;

import analyzer.dissect.CarriesContent;
import analyzer.dissect.ContentView;
import analyzer.dissect.dns.DnsMessageSeen;
import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.quic.QuicPacketSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.TlsDecryptionSeen;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.http2.Http2Stream;
import analyzer.dissect.websocket.WebSocketMessageSeen;
import analyzer.dissect.dns.DnsMessage;
import analyzer.dissect.quic.QuicVersion;
import analyzer.dissect.session.CredentialSeen;
import analyzer.dissect.session.ProtocolTextSeen;
import analyzer.dissect.session.StartTlsSeen;
import analyzer.flow.ConnectionListener;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import analyzer.leaks.ContentMatcher;
import analyzer.leaks.Exposure;
import analyzer.leaks.SecretScanner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Answers "does this service really encrypt its traffic?" from what the dissector saw: per connection, whether it
 * was readable (plaintext HTTP, readable text, content any event carries outside TLS, or a secret found in its
 * bytes) or TLS, and what leaked; overall, one of {@link Verdict}. Fed by {@link #wrap} (to see every connection and
 * its raw bytes) and as an {@link EventSink}. Secrets and credentials are looked for in the raw bytes and in every
 * decoded view an event carries ({@link CarriesContent}), so a dissector that decodes more (HTTP/2 headers,
 * WebSocket messages, decrypted TLS) adds to the search without a change here. Not thread-safe: fed by the one
 * pipeline thread.
 */
public final class EncryptionVerdict implements EventSink {

    /** A readable item on one connection, with the frames it came from. */
    public record Finding(String kind, String detail, Frames frames) {
    }

    private static final double READABLE_SHARE = 0.9;

    private final List<String> secrets;
    private final ContentMatcher matcher;
    private final boolean showSecrets;
    /** Whether a TLS connection fails the TLS policy (check's --policy), asked when it ends; null: no policy. */
    private final Predicate<TlsFacts> failsPolicy;
    private final Map<Integer, FlowState> flows = new LinkedHashMap<>();
    /**
     * Connections that ended and are no longer listed one by one, by kind: those that carried nothing, and any past
     * {@link #MAX_LISTED} (a capture of a flood). They still count in the verdict and the totals.
     */
    private final long[] unlisted = new long[FlowKind.values().length];
    /** Of the unlisted TLS connections, those {@link #failsPolicy} failed when they ended. */
    private long unlistedFailingPolicy;

    /** Frames remembered per secret and direction where the byte scan found it (to avoid repeating it). */
    private static final int MAX_KEPT_FRAMES = 64;
    /** Connections listed one by one in the report; the others are counted. */
    static final int MAX_LISTED = 10_000;
    /** What a connection's state takes before it holds findings: the report asks the reassembler to count it. */
    private static final int FLOW_STATE_FOOTPRINT = 1_200;

    /** @param secrets texts to search for in every reassembled byte (--secret); may be empty */
    public EncryptionVerdict(List<String> secrets) {
        this(secrets, false);
    }

    /**
     * @param secrets     texts to search for in every reassembled byte and decoded view (--secret); may be empty
     * @param showSecrets show credentials found in full rather than a recognisable prefix (--show-secrets)
     */
    public EncryptionVerdict(List<String> secrets, boolean showSecrets) {
        this(secrets, showSecrets, null);
    }

    /**
     * @param failsPolicy whether a TLS connection fails the TLS policy, asked when a connection that is not listed
     *                    ends (so it need not be kept to be judged); null when there is no policy
     */
    public EncryptionVerdict(List<String> secrets, boolean showSecrets, Predicate<TlsFacts> failsPolicy) {
        this.secrets = List.copyOf(secrets);
        this.matcher = new ContentMatcher(this.secrets);
        this.showSecrets = showSecrets;
        this.failsPolicy = failsPolicy;
    }

    /** Wraps the dissector so every connection is counted and its bytes searched for the secrets. */
    public ConnectionListenerFactory wrap(ConnectionListenerFactory dissector) {
        ConnectionListenerFactory counting = (flow, frame, ts) -> {
            ConnectionListener inner = dissector.open(flow, frame, ts);
            return new ConnectionListener() {
                /** Made with the first byte: a connection that never carries one (a SYN flood) costs no state. */
                private FlowState state;

                @Override
                public void onData(Direction d, byte[] data, int offset, int length, long f, long t) {
                    if (state == null) {
                        state = state(flow);
                    }
                    state.bytes[d.ordinal()] += length;
                    inner.onData(d, data, offset, length, f, t);
                }

                @Override
                public void onGap(Direction d, long missing, long f, long t) {
                    inner.onGap(d, missing, f, t);
                }

                @Override
                public void onClose(CloseReason reason, long f, long t) {
                    inner.onClose(reason, f, t);
                    ended(flow);
                }

                @Override
                public long retainedBytes() {
                    return 32 + (state == null ? 0 : FLOW_STATE_FOOTPRINT
                            + (state.leafCertificate == null ? 0 : 16 + state.leafCertificate.length))
                            + inner.retainedBytes();
                }
            };
        };
        return secrets.isEmpty() ? counting : new SecretScanner(counting, secrets, this::secretFound);
    }

    private void secretFound(Flow flow, Direction direction, String secret, long frame) {
        String side = direction == Direction.CLIENT_TO_SERVER ? "the client's bytes" : "the server's bytes";
        FlowState s = state(flow);
        Set<Long> frames = s.rawSecretFrames.computeIfAbsent(direction.ordinal() + secret, k -> new LinkedHashSet<>());
        if (frames.size() < MAX_KEPT_FRAMES) {
            frames.add(frame);
        }
        s.secret(new Finding("secret", "\"" + secret + "\" in " + side, Frames.of(frame)));
    }

    private FlowState state(Flow flow) {
        return flows.computeIfAbsent(flow.id(), id -> new FlowState(flow));
    }

    /**
     * A connection ended: one that carried nothing is only counted, and so is any past the first {@link #MAX_LISTED}
     * listed — a TLS one judged against the policy now — so that judging a capture of millions of connections keeps
     * memory flat.
     */
    private void ended(Flow flow) {
        FlowState s = flows.get(flow.id());
        FlowKind kind = s == null ? FlowKind.EMPTY : s.kind();
        if (s == null || kind == FlowKind.EMPTY || flows.size() > MAX_LISTED) {
            flows.remove(flow.id());
            unlisted[kind.ordinal()]++;
            if (kind == FlowKind.TLS && failsPolicy != null && failsPolicy.test(s.tlsFacts())) {
                unlistedFailingPolicy++;
            }
        }
    }

    /** Connections of this kind, listed or not. */
    public long count(FlowKind kind) {
        long n = unlisted[kind.ordinal()];
        for (FlowState s : flows.values()) {
            if (s.kind() == kind) {
                n++;
            }
        }
        return n;
    }

    /** Connections of this kind that ended without being kept in {@link #flows()}: empty, or past the listed. */
    public long unlisted(FlowKind kind) {
        return unlisted[kind.ordinal()];
    }

    /** Unlisted TLS connections that failed the TLS policy when they ended (none without a policy). */
    public long unlistedFailingPolicy() {
        return unlistedFailingPolicy;
    }

    /** Connections judged but not listed in {@link #flows()} (besides those that carried nothing). */
    public long unlistedWithData() {
        long n = 0;
        for (FlowKind kind : FlowKind.values()) {
            if (kind != FlowKind.EMPTY) {
                n += unlisted[kind.ordinal()];
            }
        }
        return n;
    }

    @Override
    public void accept(Event event) {
        FlowState s = state(event.flow());
        if (event.flow().insideTls()) {
            // Read with keys: the wire carried it encrypted. What it holds is reported inside TLS, never as readable.
            if (event instanceof CarriesContent content) {
                exposures(s, event, content);
            } else if (event instanceof CredentialSeen c) {
                s.finding(new Finding("inside TLS", SessionUpgrade.describe(c, showSecrets), c.frames()));
            }
            return;
        }
        if (event instanceof TlsDecryptionSeen d && d.outcome() == TlsDecryptionSeen.Outcome.DECRYPTED) {
            s.decryptedWith = d.detail().startsWith("with the server key") ? "the server's key"
                    : d.detail().startsWith("as a resumed session") ? "a resumed session's key" : "the key log";
        }
        if (event instanceof HttpRequestSeen r) {
            s.http = true;
            s.request(new Finding("request", r.method() + " " + target(r.uri()), r.frames()));
            s.carried(r.http2());
        } else if (event instanceof HttpResponseSeen || event instanceof HttpMalformed) {
            s.http = true;
            if (event instanceof HttpResponseSeen r) {
                s.carried(r.http2());
            }
        } else if (event instanceof WebSocketMessageSeen) {
            s.carried.add("WebSocket");
        } else if (event instanceof TlsRecordSeen t) {
            s.tls(t);
        } else if (event instanceof QuicPacketSeen q) {
            s.quic(q);
        } else if (event instanceof DnsMessageSeen d) {
            s.dns(d);
        } else if (event instanceof ProtocolTextSeen t) {
            s.session.text(t);
        } else if (event instanceof CredentialSeen c) {
            s.session.credential(c, showSecrets);
        } else if (event instanceof StartTlsSeen st) {
            s.session.startTls(st);
        } else if (event instanceof RawDataSeen d) {
            if (readable(d.preview())) {
                s.readableRaw += d.length();
                if (s.rawSample == null) {
                    s.rawSample = new Finding("readable", sample(d.preview()), d.frames());
                }
            } else {
                s.binaryRaw += d.length();
            }
        }
        if (event instanceof CarriesContent content) {
            exposures(s, event, content);
        }
    }

    /**
     * Every view's secrets, credentials and sessions. A secret the raw scan already found in these frames is not
     * repeated; one found only in a decoded view (split by chunking, compressed, percent- or base64-encoded) is.
     */
    private void exposures(FlowState s, Event event, CarriesContent content) {
        String prefix = event instanceof HttpRequestSeen r ? r.method() + " " + target(r.uri()) + "  " : "";
        for (ContentView view : content.contentViews()) {
            boolean insideTls = view.insideTls() || event.flow().insideTls();
            if (!insideTls) {
                s.readableContent = true;
            }
            for (Exposure e : matcher.scan(view)) {
                if (e.kind() == Exposure.Kind.SECRET && !insideTls && rawScanFound(s, event, e)) {
                    continue;
                }
                String label = insideTls ? "inside TLS" : e.kind().label();
                Finding f = new Finding(label, prefix + e.describe(showSecrets), event.frames());
                if (e.kind() == Exposure.Kind.SECRET && !insideTls) {
                    s.secret(f);
                } else {
                    s.finding(f);
                }
            }
        }
    }

    private boolean rawScanFound(FlowState s, Event event, Exposure e) {
        for (String secret : secrets) {
            if (e.label().equals("\"" + secret + "\"")) {
                Set<Long> frames = s.rawSecretFrames.get(event.direction().ordinal() + secret);
                if (frames != null) {
                    for (long f : event.frames().toArray()) {
                        if (frames.contains(f)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** The request target as shown: its query string masked unless secrets are shown ("/api?…"). */
    private String target(String uri) {
        int q = uri.indexOf('?');
        return showSecrets || q < 0 ? uri : uri.substring(0, q + 1) + "…";
    }

    /** Whether these bytes read as text: nearly all printable (the share a person would call readable). */
    public static boolean readable(byte[] bytes) {
        if (bytes.length == 0) {
            return false;
        }
        int printable = 0;
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t' || c >= 0xc2) {
                printable++;
            }
        }
        return printable >= READABLE_SHARE * bytes.length;
    }

    /** The first 40 characters as text, line breaks as spaces and other control characters as dots. */
    private static String sample(byte[] preview) {
        String s = new String(preview, 0, Math.min(preview.length, 40), StandardCharsets.UTF_8)
                .replaceAll("[\\r\\n\\t]+", " ").strip();
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) || c == 0xfffd ? '.' : c));
        return "\"" + sb + (preview.length > 40 ? "…" : "") + "\"";
    }

    /** The traffic's verdict, the TLS policy given up front applied (the probe's answers are the check's). */
    public Verdict verdict() {
        if (unlisted[FlowKind.READABLE.ordinal()] > 0) {
            return Verdict.NOT_ENCRYPTED;
        }
        boolean anyData = unlisted[FlowKind.TLS.ordinal()] > 0;
        boolean unverified = unlisted[FlowKind.UNKNOWN.ordinal()] > 0;
        boolean weak = unlistedFailingPolicy > 0;
        for (FlowState s : flows.values()) {
            switch (s.kind()) {
                case READABLE -> {
                    return Verdict.NOT_ENCRYPTED;
                }
                case UNKNOWN -> unverified = true;
                case TLS -> {
                    anyData = true;
                    weak |= failsPolicy != null && failsPolicy.test(s.tlsFacts());
                }
                case INFO, EMPTY -> { }
            }
        }
        if (unverified) {
            return Verdict.UNVERIFIED;
        }
        if (weak) {
            return Verdict.WEAK_TLS;
        }
        return anyData ? Verdict.ENCRYPTED : Verdict.NOTHING;
    }

    public long connections() {
        long n = flows.size();
        for (long u : unlisted) {
            n += u;
        }
        return n;
    }

    /** Per connection: its kind and what was found (readable items, or TLS parameters and warnings). */
    public List<FlowReport> flows() {
        List<FlowReport> list = new ArrayList<>();
        for (FlowState s : flows.values()) {
            list.add(s.report());
        }
        return list;
    }

    /**
     * What one connection was. INFO: DNS, whose names travel in clear — worth showing, but not the service's data and
     * not a failure.
     */
    public enum FlowKind { READABLE, TLS, UNKNOWN, INFO, EMPTY }

    /**
     * @param summary  one line: "plaintext HTTP", "TLS 1.3, TLS_AES_128_GCM_SHA256, SNI localhost", …
     * @param findings readable items (requests, credentials, sessions, secrets), or on TLS what only a key log opened
     * @param warnings handshake alerts
     * @param tls      what the TLS handshake said, or null when the connection carried no TLS
     */
    public record FlowReport(Flow flow, FlowKind kind, String summary, List<Finding> findings, List<String> warnings,
                             long clientBytes, long serverBytes, TlsFacts tls) {
    }

    /**
     * @param version         the version the server picked (0x0304 = TLS 1.3), or -1 when no ServerHello was seen
     * @param cipherSuite     the suite it picked, or -1
     * @param serverName      the SNI the client sent, or null
     * @param leafCertificate the server's certificate (DER) as sent in clear (TLS 1.2 and older), or null
     */
    public record TlsFacts(int version, int cipherSuite, String serverName, byte[] leafCertificate) {
    }

    private static final class FlowState {
        final Flow flow;
        final long[] bytes = new long[2];
        boolean http;
        /** What the HTTP carried beyond HTTP/1: "HTTP/2", "gRPC", "WebSocket". */
        final Set<String> carried = new LinkedHashSet<>();
        long readableRaw;
        long binaryRaw;
        Finding rawSample;
        boolean readableContent;
        /** The first requests (a summary lists 8), and how many there were. */
        final List<Finding> requests = new ArrayList<>();
        long requestCount;
        final List<Finding> findings = new ArrayList<>();
        final Set<String> findingKeys = new LinkedHashSet<>();
        final List<Finding> secretFindings = new ArrayList<>();
        final Set<String> secretKeys = new LinkedHashSet<>();
        /** direction ordinal + secret → frames where the raw scan completed a match */
        final Map<String, Set<Long>> rawSecretFrames = new HashMap<>();
        int tlsRecords;
        int quicPackets;
        int quicVersion = -1;
        int dnsMessages;
        final List<Finding> dnsQueries = new ArrayList<>();
        final Set<String> dnsNames = new LinkedHashSet<>();
        final SessionUpgrade session = new SessionUpgrade();
        String sni;
        /** What opened this connection's TLS ("the key log"), or null when it was not opened. */
        String decryptedWith;
        int version = -1;
        int cipher = -1;
        byte[] leafCertificate;
        final List<String> warnings = new ArrayList<>();

        void carried(Http2Stream h2) {
            if (h2 != null) {
                carried.add("HTTP/2");
                if (h2.grpc() != null) {
                    carried.add("gRPC");
                }
            }
        }

        FlowState(Flow flow) {
            this.flow = flow;
        }

        void request(Finding f) {
            requestCount++;
            if (requests.size() < 8) {
                requests.add(f);
            }
        }

        void warn(String warning) {
            if (warnings.size() < 20 && !warnings.contains(warning)) {
                warnings.add(warning);
            }
        }

        void secret(Finding f) {
            // One line per secret and place; frames of repeated occurrences are not worth a line each.
            if (secretFindings.size() < 20 && secretKeys.add(f.detail())) {
                secretFindings.add(f);
            }
        }

        void finding(Finding f) {
            // The same credential sent with every request of a keep-alive connection is one line.
            if (findings.size() < 50 && findingKeys.add(f.kind() + f.detail())) {
                findings.add(f);
            }
        }

        void tls(TlsRecordSeen t) {
            tlsRecords++;
            for (TlsHandshake h : t.handshakes()) {
                if (h instanceof TlsHandshake.ClientHello ch && ch.serverName() != null) {
                    sni = ch.serverName();
                } else if (h instanceof TlsHandshake.ServerHello sh) {
                    version = sh.selectedVersion();
                    cipher = sh.cipherSuite();
                } else if (h instanceof TlsHandshake.Certificates c && t.direction() == Direction.SERVER_TO_CLIENT
                        && leafCertificate == null && !c.chain().isEmpty() && c.chain().get(0).encoded().length > 0) {
                    leafCertificate = c.chain().get(0).encoded();
                }
            }
            if (t.alert() != null && t.alert().level() == 2) {
                String from = t.direction() == Direction.CLIENT_TO_SERVER ? "client" : "server";
                warn("handshake alert from the " + from + ": fatal "
                        + TlsNames.alertDescription(t.alert().description()) + " (frame " + t.frames().first() + ")");
            }
        }

        void quic(QuicPacketSeen q) {
            quicPackets++;
            if (q.version() > 0) {
                quicVersion = q.version();
            }
            for (TlsHandshake h : q.handshakes()) {
                if (h instanceof TlsHandshake.ClientHello ch && ch.serverName() != null) {
                    sni = ch.serverName();
                } else if (h instanceof TlsHandshake.ServerHello sh) {
                    version = sh.selectedVersion();
                    cipher = sh.cipherSuite();
                }
            }
        }

        void dns(DnsMessageSeen d) {
            dnsMessages++;
            DnsMessage m = d.message();
            if (m.response()) {
                return;
            }
            for (DnsMessage.Question q : m.questions()) {
                String asked = q.typeName() + " " + q.name();
                if (dnsQueries.size() < 8 && dnsNames.add(asked)) {
                    dnsQueries.add(new Finding("dns query", asked + "  (names travel in clear)", d.frames()));
                }
            }
        }

        FlowKind kind() {
            if (http || readableContent || readableRaw > 0 || !secretFindings.isEmpty() || session.readable()) {
                return FlowKind.READABLE;
            }
            if (binaryRaw > 0) {
                return FlowKind.UNKNOWN;
            }
            if (tlsRecords > 0 || quicPackets > 0) {
                return FlowKind.TLS;
            }
            if (dnsMessages > 0) {
                return FlowKind.INFO;
            }
            return FlowKind.EMPTY;
        }

        FlowReport report() {
            FlowKind kind = kind();
            List<Finding> all = new ArrayList<>();
            String summary;
            switch (kind) {
                case READABLE -> {
                    summary = session.seen() ? session.readableSummary()
                            : http ? "plaintext HTTP" + (carried.isEmpty() ? "" : " (" + String.join(", ", carried) + ")")
                            : readableContent ? "readable content"
                            : readableRaw > 0 ? "readable text, neither HTTP nor TLS"
                            : tlsRecords > 0 ? "TLS, yet the secret appears in clear" : "a secret in clear";
                    if (!requests.isEmpty()) {
                        all.add(requestSummary());
                    }
                    all.addAll(session.findings());
                    all.addAll(findings);
                    if (rawSample != null) {
                        all.add(rawSample);
                    }
                    all.addAll(secretFindings);
                }
                case TLS -> {
                    all.addAll(findings); // only what a key log opened up: inside TLS
                    StringBuilder sb = new StringBuilder(quicPackets > 0 ? QuicVersion.describe(quicVersion)
                            + (version > 0 ? ", " + TlsNames.version(version) : "")
                            : version > 0 ? TlsNames.version(version) : "TLS");
                    if (cipher >= 0) {
                        sb.append(", ").append(TlsNames.cipherSuite(cipher));
                    }
                    if (sni != null) {
                        sb.append(", SNI ").append(sni);
                    }
                    if (version < 0) {
                        sb.append(", handshake not completed");
                    }
                    if (decryptedWith != null) {
                        sb.append(", decrypted with ").append(decryptedWith);
                    }
                    if (session.upgraded()) {
                        sb.insert(0, session.upgradePrefix());
                    }
                    summary = sb.toString();
                }
                case UNKNOWN -> summary = binaryRaw + " bytes that are neither TLS nor readable text";
                case INFO -> {
                    summary = "DNS, " + dnsMessages + (dnsMessages == 1 ? " message" : " messages")
                            + " (information: the names asked for are readable)";
                    all.addAll(dnsQueries);
                }
                default -> summary = "no data";
            }
            TlsFacts tls = tlsRecords == 0 && quicPackets == 0 ? null : tlsFacts();
            return new FlowReport(flow, kind, summary, all, List.copyOf(warnings), bytes[0], bytes[1], tls);
        }

        TlsFacts tlsFacts() {
            return new TlsFacts(version, cipher, sni, leafCertificate);
        }

        private Finding requestSummary() {
            StringBuilder sb = new StringBuilder();
            sb.append(requestCount).append(requestCount == 1 ? " HTTP request" : " HTTP requests")
                    .append(" in clear (");
            long[] frames = new long[Math.min(requests.size(), 8)];
            for (int i = 0; i < requests.size() && i < 8; i++) {
                sb.append(i > 0 ? ", " : "").append(requests.get(i).detail());
                frames[i] = requests.get(i).frames().first();
            }
            if (requestCount > 8) {
                sb.append(", …");
            }
            sb.append(')');
            return new Finding("requests", sb.toString(), Frames.of(frames));
        }
    }
}
