package analyzer.web;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.StreamGap;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import analyzer.proxy.ForgeryAccepted;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.TamperSkipped;
import analyzer.proxy.Tampering;
import analyzer.proxy.UpstreamFailure;
import analyzer.report.EncryptionVerdict;
import analyzer.report.JsonWriter;
import analyzer.report.Leaks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection as one observer (the wire, or a proxy) saw it, as the page lists it: a row's summary, its flags
 * and evidence, and the JSON of its events — the first few (handshakes, the first request) and the latest ones, so
 * a long keep-alive connection costs a bounded amount. Guarded by the {@link LiveView}'s lock.
 */
final class FlowRecord {

    /** Events kept from the start of a flow, and from its end. */
    static final int HEAD_EVENTS = 8;
    static final int TAIL_EVENTS = 92;
    private static final int MAX_EVIDENCE = 16;
    /** What an event costs beyond its JSON: the array, the deque slot. */
    static final int EVENT_OVERHEAD = 48;

    final long id;
    final String key;
    final Feed feed;
    final Flow flow;
    final long firstMicros;
    long lastMicros;
    /** The view's version when this record last changed. */
    long version;
    /** Time of the oldest event not yet sent to a page, -1 when none: what a row's latency is measured from. */
    long unsentSinceMicros = -1;

    private int flags;
    private final List<String> protocols = new ArrayList<>(2);
    private String firstRequest;
    private long requests;
    private long responses;
    private String status;
    private long bytes;
    private long messages;
    private String serverName;
    private String offeredVersion;
    private String tlsVersion;
    private String cipherSuite;
    private String alert;
    private long tlsRecords;
    private long encryptedRecords;
    private boolean applicationData;
    private String genericSummary;
    /** The name the proxy forged a certificate for, when it tried. */
    private String forgedFor;
    private final List<String> evidence = new ArrayList<>(4);
    /** Whether the event being read came out of a decrypted TLS stream. */
    private boolean decrypted;

    private final List<byte[]> head = new ArrayList<>(HEAD_EVENTS);
    private final ArrayDeque<byte[]> tail = new ArrayDeque<>();
    private long notKept;
    private long keptBytes;

    FlowRecord(long id, Feed feed, Flow flow, long firstMicros) {
        this.id = id;
        this.key = feed.number() + "-" + flow.id();
        this.feed = feed;
        this.flow = flow;
        this.firstMicros = firstMicros;
        this.lastMicros = firstMicros;
    }

    long keptBytes() {
        return keptBytes;
    }

    long notKept() {
        return notKept;
    }

    boolean has(Flag flag) {
        return (flags & flag.bit()) != 0;
    }

    /**
     * Takes one event or proxy report with its JSON.
     *
     * @param secretsSeen secrets found in the JSON, empty when none
     * @return the change in bytes kept
     */
    long add(Object report, long micros, byte[] json, List<String> secretsSeen) {
        lastMicros = Math.max(lastMicros, micros);
        if (unsentSinceMicros < 0) {
            unsentSinceMicros = micros;
        }
        messages++;
        // A message from a decrypted TLS stream (the JSON printer marks it "tls.decrypted":true) was readable only
        // with the keys, not by anyone on the path.
        decrypted = contains(json, "decrypted\":true");
        if (decrypted && !has(Flag.DECRYPTED)) {
            flag(Flag.DECRYPTED);
            note("decrypted with the TLS keys: readable only to whoever holds them");
        }
        read(report, json);
        for (String secret : secretsSeen) {
            flag(Flag.SECRET);
            note("the secret \"" + secret + "\" " + clearOrInside() + " " + where(report));
        }
        return keep(json);
    }

    private long keep(byte[] json) {
        long cost = json.length + EVENT_OVERHEAD;
        if (head.size() < HEAD_EVENTS) {
            head.add(json);
            keptBytes += cost;
            return cost;
        }
        tail.addLast(json);
        long change = cost;
        if (tail.size() > TAIL_EVENTS) {
            change -= tail.removeFirst().length + EVENT_OVERHEAD;
            notKept++;
        }
        keptBytes += change;
        return change;
    }

    private void read(Object report, byte[] json) {
        if (report instanceof HttpRequestSeen r) {
            protocol("HTTP");
            requests++;
            if (firstRequest == null) {
                firstRequest = r.method() + " " + r.uri();
            }
            bytes += r.body().length();
            readable();
            for (Leaks.Leak leak : Leaks.of(r, feed.showSecrets())) {
                flag(Flag.CREDENTIALS);
                note(leak.kind().label() + " " + clearOrInside() + ": " + leak.detail() + " (" + r.method() + " "
                        + r.uri() + ", " + seenAt(r) + ")");
            }
        } else if (report instanceof HttpResponseSeen r) {
            protocol("HTTP");
            responses++;
            status = r.code() + " " + r.phrase();
            bytes += r.body().length();
            readable();
            for (Leaks.Leak leak : Leaks.of(r, feed.showSecrets())) {
                flag(Flag.CREDENTIALS);
                note(leak.kind().label() + " " + clearOrInside() + ": " + leak.detail() + " " + where(r));
            }
        } else if (report instanceof TlsRecordSeen t) {
            tls(t);
        } else if (report instanceof RawDataSeen d) {
            protocol("DATA");
            bytes += d.length();
            if (EncryptionVerdict.readable(d.preview())) {
                flag(Flag.READABLE);
                note("readable text, neither HTTP nor TLS " + where(d));
            }
        } else if (report instanceof StreamGap g) {
            note(g.missingBytes() + " bytes missing (not captured or lost) " + where(g));
        } else if (report instanceof HttpMalformed m) {
            protocol("HTTP");
            note("malformed HTTP: " + m.reason() + " " + where(m));
        } else if (report instanceof Tampering t) {
            flag(Flag.TAMPERED);
            status = "tampered";
            note("the proxy rewrote the " + t.part() + ": \"" + t.before() + "\" → \"" + t.after() + "\""
                    + (t.exchange() == null ? "" : " (" + t.exchange() + ")"));
        } else if (report instanceof TamperSkipped s) {
            note("not rewritten: " + s.part() + ", " + s.reason());
        } else if (report instanceof ForgeryAccepted a) {
            protocol("TLS");
            forgedFor = a.host();
            flag(Flag.DECRYPTED);
            status = "intercepted";
            note("the client accepted the certificate forged for " + a.host() + " (" + a.protocol() + ", "
                    + a.cipherSuite() + "): the proxy decrypts and reads its traffic");
        } else if (report instanceof ForgeryRejected r) {
            protocol("TLS");
            forgedFor = r.host();
            if (r.certificateRejected()) {
                flag(Flag.REJECTED);
                status = "forgery rejected";
                note("the client rejected the certificate forged for " + r.host()
                        + (r.alert() == null ? " (it closed the connection)" : " (alert " + r.alert() + ")"));
            } else {
                status = "TLS failed";
                note("the TLS handshake with the client failed: " + (r.detail() == null ? r.evidence() : r.detail()));
            }
        } else if (report instanceof UpstreamFailure f) {
            status = "upstream failed";
            note("the upstream " + (f.upstream() == null ? "" : f.upstream() + " ") + "failed: " + f.reason());
        } else {
            generic(json);
        }
    }

    private String clearOrInside() {
        return decrypted ? "inside TLS" : "in clear";
    }

    private void readable() {
        if (!decrypted && !has(Flag.READABLE)) {
            flag(Flag.READABLE);
            note("readable by anyone on the path");
        }
    }

    private void tls(TlsRecordSeen t) {
        protocol("TLS");
        tlsRecords++;
        bytes += t.length();
        // A record the key log opened travelled encrypted all the same.
        if (t.encrypted() || t.decrypted()) {
            encryptedRecords++;
            flag(Flag.ENCRYPTED);
        }
        if (t.contentType() == TlsRecordSeen.APPLICATION_DATA) {
            applicationData = true;
        }
        for (TlsHandshake h : t.handshakes()) {
            if (h instanceof TlsHandshake.ClientHello c) {
                serverName = c.serverName();
                offeredVersion = highestOffered(c);
            } else if (h instanceof TlsHandshake.ServerHello s) {
                tlsVersion = TlsNames.version(s.selectedVersion());
                cipherSuite = TlsNames.cipherSuite(s.cipherSuite());
            } else if (h instanceof TlsHandshake.Certificates c && !c.chain().isEmpty()) {
                TlsHandshake.CertificateSummary leaf = c.chain().get(0);
                note("certificate " + leaf.subject() + " issued by " + leaf.issuer() + " " + where(t));
            }
        }
        if (t.alert() != null) {
            int d = t.alert().description();
            alert = TlsNames.alertDescription(d);
            if (TlsNames.rejectsCertificate(d) && t.direction() == Direction.CLIENT_TO_SERVER) {
                flag(Flag.REJECTED);
                note("the client rejected the server's certificate: alert " + alert + " " + where(t));
            } else if (t.alert().level() == 2) {
                note("fatal alert " + alert + " " + where(t));
            }
        }
    }

    private static String highestOffered(TlsHandshake.ClientHello c) {
        int best = c.legacyVersion();
        for (int v : c.supportedVersions()) {
            if (!TlsNames.isGrease(v) && v > best) {
                best = v;
            }
        }
        return TlsNames.version(best);
    }

    /**
     * An event this class does not know (a protocol added after it): named after its {@code event} field, and
     * flagged from the field names every printer shares.
     */
    private void generic(byte[] json) {
        String name = eventName(json);
        if (name != null) {
            int dot = name.indexOf('.');
            protocol((dot < 0 ? name : name.substring(0, dot)).toUpperCase(java.util.Locale.ROOT));
            if (genericSummary == null) {
                genericSummary = name;
            }
        }
        if (contains(json, "\"analyzer.leaks\"")) {
            flag(Flag.CREDENTIALS);
            note("credentials or session in clear (" + name + ")");
        }
        if (contains(json, "encrypted\":true")) {
            flag(Flag.ENCRYPTED);
        }
    }

    /** The value of the leading {@code "event":"…"} field every JSON object starts with. */
    static String eventName(byte[] json) {
        byte[] prefix = "{\"event\":\"".getBytes(StandardCharsets.US_ASCII);
        if (json.length < prefix.length || indexOf(json, prefix) != 0) {
            return null;
        }
        for (int i = prefix.length; i < json.length; i++) {
            if (json[i] == '"' || json[i] == '\\') {
                return new String(json, prefix.length, i - prefix.length, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static boolean contains(byte[] json, String ascii) {
        return indexOf(json, ascii.getBytes(StandardCharsets.US_ASCII)) >= 0;
    }

    static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void protocol(String name) {
        if (!protocols.contains(name) && protocols.size() < 4) {
            protocols.add(name);
        }
    }

    private void flag(Flag flag) {
        flags |= flag.bit();
    }

    private void note(String line) {
        if (evidence.size() < MAX_EVIDENCE && !evidence.contains(line)) {
            evidence.add(line);
        }
    }

    /** "(frames 6, 8)", "(frame 6)", or "(seen by the proxy)" for relayed bytes and proxy reports. */
    private static String where(Object report) {
        return "(" + seenAt(report) + ")";
    }

    /** "frames 6, 8", "frame 6", or "seen by the proxy". */
    private static String seenAt(Object report) {
        if (report instanceof Event e && !e.frames().isEmpty()) {
            Frames f = e.frames();
            return (f.size() == 1 ? "frame " : "frames ") + f;
        }
        return "seen by the proxy";
    }

    /** "HTTP", "TLS", "SMTP/TLS" */
    String protocolLabel() {
        return protocols.isEmpty() ? "TCP" : String.join("/", protocols);
    }

    /** The row's main column: the request line, or the TLS version and server name. */
    String summary() {
        if (firstRequest != null) {
            return requests > 1 ? firstRequest + "  +" + (requests - 1) + " more" : firstRequest;
        }
        if (tlsRecords > 0 || serverName != null) {
            StringBuilder sb = new StringBuilder();
            sb.append(tlsVersion != null ? tlsVersion : offeredVersion != null ? offeredVersion + " offered" : "TLS");
            if (serverName != null) {
                sb.append(" · SNI ").append(serverName);
            }
            return sb.toString();
        }
        if (forgedFor != null) {
            return "certificate forged for " + forgedFor;
        }
        if (responses > 0) {
            return "response without its request";
        }
        if (genericSummary != null) {
            return genericSummary;
        }
        return protocols.contains("DATA") ? "neither HTTP nor TLS" : "";
    }

    String status() {
        if (status != null) {
            return status;
        }
        if (alert != null) {
            return "alert " + alert;
        }
        if (tlsRecords > 0) {
            return applicationData ? "encrypted" : "handshake";
        }
        return "";
    }

    /** One row for the page's list. */
    void summaryJson(JsonWriter json) {
        json.field("key", key).field("id", flow.id()).field("feed", feed.number()).field("seenBy", feed.seenBy())
                .field("source", feed.label())
                .field("t", firstMicros).field("last", lastMicros)
                .field("client", flow.client().toString()).field("server", flow.server().toString())
                .field("sport", flow.client().port()).field("dport", flow.server().port())
                .field("proto", protocolLabel()).field("summary", summary()).field("status", status())
                .field("size", bytes).field("messages", messages);
        json.beginArray("flags");
        for (Flag f : Flag.values()) {
            if (has(f)) {
                json.value(f.key());
            }
        }
        json.endArray();
        if (feed.live() && unsentSinceMicros >= 0) {
            json.field("pending", unsentSinceMicros);
        }
    }

    /** The evidence lines: what the flags rest on. */
    List<String> evidence() {
        List<String> lines = new ArrayList<>(evidence);
        if (tlsRecords > 0) {
            String encrypted = encryptedRecords == 0 ? ", none encrypted yet"
                    : ", " + encryptedRecords + " of them encrypted" + (has(Flag.DECRYPTED)
                    ? " on the wire (opened here with the TLS keys)" : ", unreadable");
            lines.add(tlsRecords + " TLS record" + (tlsRecords == 1 ? "" : "s") + encrypted
                    + (cipherSuite != null ? " · " + cipherSuite : ""));
        }
        return lines;
    }

    /** The kept events' JSON, in order, with a marker where the events that were not kept would be. */
    List<byte[]> events() {
        List<byte[]> all = new ArrayList<>(head.size() + tail.size() + 1);
        all.addAll(head);
        if (notKept > 0) {
            all.add(("{\"event\":\"web.not_kept\",\"count\":" + notKept + "}").getBytes(StandardCharsets.US_ASCII));
        }
        all.addAll(tail);
        return all;
    }
}
