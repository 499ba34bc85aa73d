package analyzer.report;

import analyzer.dissect.Event;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.StreamGap;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.dns.DnsMessage;
import analyzer.dissect.dns.DnsMessageSeen;
import analyzer.dissect.quic.QuicPacketSeen;
import analyzer.dissect.quic.QuicVersion;
import analyzer.dissect.session.CredentialSeen;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import analyzer.proxy.ForgeryAccepted;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.ProxyListener;
import analyzer.proxy.TamperSkipped;
import analyzer.proxy.Tampering;
import analyzer.proxy.UpstreamFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the proxy did, for people: each relayed message in full as {@code capture} shows it ("seen by proxy"),
 * and one plain line per verdict: {@code EAVESDROP  GET /  ← 200 "fluffy tail"}, {@code TAMPERED …},
 * {@code ATTACK FAILED …}. With {@code brief}, one line per exchange (its EAVESDROP line) or per TLS connection
 * (what its handshake settled, or the alert that ended it), never one per record. Lines wider than the terminal
 * continue under the label column. Thread-safe: the proxy reports from several I/O threads.
 */
public final class ProxyTextPrinter implements ProxyListener {

    private static final int LABEL = 15;
    private static final int PREVIEW = 60;

    private final Writer out;
    private final Style style;
    private final TextPrinter events;
    private final boolean brief;
    private final TextWidth width;
    private final boolean showSecrets;
    private final TlsConnectionSummary tlsConnections = new TlsConnectionSummary();
    private final Utf8Text sb = new Utf8Text(256);

    public ProxyTextPrinter(Writer out, Style style, boolean hex, boolean brief) {
        this(out, style, hex, brief, TextWidth.UNLIMITED);
    }

    public ProxyTextPrinter(Writer out, Style style, boolean hex, boolean brief, TextWidth width) {
        this(out, style, hex, brief, width, false);
    }

    /** @param showSecrets show passwords and tokens in full (--show-secrets) instead of their first characters */
    public ProxyTextPrinter(Writer out, Style style, boolean hex, boolean brief, TextWidth width, boolean showSecrets) {
        this.out = out;
        this.style = style;
        this.events = new TextPrinter(out, style, hex, width, showSecrets);
        this.brief = brief;
        this.width = width;
        this.showSecrets = showSecrets;
    }

    @Override
    public synchronized void seen(Event event) {
        sb.clear();
        if (brief && !(event instanceof HttpRequestSeen || event instanceof HttpResponseSeen)) {
            briefLine(event);
            write();
            return;
        }
        if (!brief) {
            events.accept(event);
        }
        if (event instanceof HttpResponseSeen r) {
            label("EAVESDROP", style.yellow("EAVESDROP"));
            String exchange = r.requestMethod() == null ? "(unpaired)" : r.requestMethod() + " " + r.requestUri();
            padded(exchange, 16).append(" ← ").append(r.code()).append(' ');
            preview(r.body());
            flowTag(r.flow().id());
            if (brief) {
                // In full mode the message block above already lists its leaks.
                leaks(r.requestMethod() == null ? "" : r.requestMethod() + " " + r.requestUri(),
                        Leaks.of(r, showSecrets), r.flow().id());
            }
        } else if (event instanceof HttpRequestSeen r && brief) {
            leaks(r.method() + " " + r.uri(), Leaks.of(r, showSecrets), r.flow().id());
        }
        write();
    }

    /**
     * Brief output for what is not an HTTP exchange: a TLS connection's line, a login, a gap, data of no known
     * protocol.
     */
    private void briefLine(Event event) {
        if (event instanceof TlsRecordSeen r) {
            String line = tlsConnections.lineFor(r);
            if (line != null) {
                boolean rejected = r.alert() != null;
                label("TLS", rejected ? style.yellow("TLS") : style.green("TLS"))
                        .append(r.flow().client().toString()).append(" → ").append(r.flow().server().toString())
                        .append("  ").append(line);
                flowTag(r.flow().id());
            }
        } else if (event instanceof StreamGap g) {
            label("GAP", style.yellow("GAP")).append(g.missingBytes()).append(" bytes missing; reassembly skipped ahead");
            flowTag(g.flow().id());
        } else if (event instanceof HttpMalformed m) {
            label("HTTP MALFORMED", style.red("HTTP MALFORMED")).append(m.reason());
            flowTag(m.flow().id());
        } else if (event instanceof CredentialSeen c) {
            // What the exchange line is to HTTP: the login of a mail, database or telnet session.
            label("EAVESDROP", style.red("EAVESDROP"));
            padded(c.protocol() + " " + c.mechanism(), 16).append(' ').append(TextPrinter.login(c, showSecrets));
            flowTag(c.flow().id());
        } else if (event instanceof RawDataSeen d) {
            if (rawFlowsTold.add(d.flow())) {
                label("DATA", "DATA").append(d.flow().client().toString()).append(" → ")
                        .append(d.flow().server().toString())
                        .append(d.flow().udp() ? "  a datagram neither DNS nor QUIC, " : "  neither HTTP nor TLS, ")
                        .append(d.length()).append(" bytes first");
                flowTag(d.flow().id());
            }
            leaks(d.flow().udp() ? "UDP datagram" : "data", Leaks.of(d, showSecrets), d.flow().id());
        } else if (event instanceof DnsMessageSeen d) {
            // A name looked up is what an eavesdropper of DNS learns: one line per query and per answer.
            label("DNS", "DNS");
            DnsMessage m = d.message();
            sb.append(m.response() ? "answer " + m.rcodeName() + "  " : "query  ");
            for (int i = 0; i < m.questions().size(); i++) {
                sb.append(i > 0 ? ", " : "").append(m.questions().get(i).typeName()).append(' ')
                        .append(m.questions().get(i).name());
            }
            for (int i = 0; i < m.answers().size(); i++) {
                sb.append(i == 0 ? "  → " : ", ").append(m.answers().get(i).data());
            }
            flowTag(d.flow().id());
        } else if (event instanceof QuicPacketSeen q) {
            for (TlsHandshake h : q.handshakes()) {
                if (h instanceof TlsHandshake.ClientHello c) {
                    label("QUIC", style.green("QUIC")).append(q.flow().client().toString()).append(" → ")
                            .append(q.flow().server().toString()).append("  ")
                            .append(QuicVersion.describe(q.version()))
                            .append(c.serverName() == null ? "" : ", SNI " + c.serverName())
                            .append(c.alpn().isEmpty() ? "" : ", ALPN " + String.join(",", c.alpn()));
                    flowTag(q.flow().id());
                }
            }
        }
    }

    /** Flows whose first undissectable data was told, the most recent ones. */
    private final Set<Flow> rawFlowsTold = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Flow, Boolean> eldest) {
            return size() > 4096;
        }
    });

    private void leaks(String exchange, java.util.List<Leaks.Leak> leaks, int flow) {
        for (Leaks.Leak leak : leaks) {
            label("EAVESDROP", style.red("EAVESDROP"));
            padded(exchange, 16).append(' ')
                    .append(leak.kind().label()).append(" in clear: ").append(leak.detail());
            flowTag(flow);
        }
    }

    @Override
    public synchronized void tampered(Tampering t) {
        sb.clear();
        label("TAMPERED", style.red("TAMPERED"));
        padded(t.part(), 16).append(' ')
                .append(t.before() == null ? "(none)" : quote(t.before())).append(" → ")
                .append(t.after() == null ? "(dropped)" : quote(t.after()));
        if (t.count() > 1) {
            sb.append("  ×").append(t.count());
        }
        if (t.exchange() != null) {
            sb.append(style.dim("  (" + (t.direction() == Direction.SERVER_TO_CLIENT ? "answer to " : "") + t.exchange()
                    + ")"));
        }
        flowTag(t.flow().id());
        write();
    }

    @Override
    public synchronized void tamperSkipped(TamperSkipped s) {
        sb.clear();
        label("NOT TAMPERED", style.yellow("NOT TAMPERED")).append(s.part());
        if (s.exchange() != null) {
            sb.append(s.direction() == Direction.SERVER_TO_CLIENT ? " of the answer to " : " of ").append(s.exchange());
        }
        sb.append(": ").append(s.reason()).append("; relayed unmodified");
        flowTag(s.flow().id());
        write();
    }

    @Override
    public synchronized void forgeryAccepted(ForgeryAccepted a) {
        sb.clear();
        label("INTERCEPTED", style.red("INTERCEPTED")).append("client ").append(a.flow().client().toString())
                .append(" accepted the forged certificate for ").append(a.host())
                .append(" (").append(a.protocol()).append(", ").append(a.cipherSuite())
                .append("): the proxy reads and rewrites its traffic");
        flowTag(a.flow().id());
        write();
    }

    @Override
    public synchronized void forgeryRejected(ForgeryRejected r) {
        sb.clear();
        if (r.certificateRejected()) {
            label("ATTACK FAILED", style.green("ATTACK FAILED")).append("client ").append(r.flow().client().toString())
                    .append(" rejected the forged certificate for ").append(r.host()).append(" (")
                    .append(r.alert() != null ? "alert " + r.alert()
                            + (r.evidence() == ForgeryRejected.Evidence.ALERT_DECRYPTED ? ", read by the proxy's TLS engine" : "")
                            : "closed the connection during the handshake")
                    .append(')');
        } else {
            label("TLS FAILED", style.yellow("TLS FAILED")).append("handshake with client ").append(r.flow().client().toString())
                    .append(" for ").append(r.host()).append(" failed")
                    .append(r.alert() != null ? " (alert " + r.alert() + ")" : "")
                    .append(r.detail() != null ? ": " + r.detail() : "");
        }
        flowTag(r.flow().id());
        write();
    }

    @Override
    public synchronized void upstreamFailed(UpstreamFailure f) {
        sb.clear();
        label("UPSTREAM FAILED", style.yellow("UPSTREAM FAILED")).append(f.upstream() == null ? "upstream" : f.upstream().toString())
                .append(" for client ").append(f.flow().client().toString()).append(": ").append(f.reason())
                .append(f.badGateway() ? " (answered 502 Bad Gateway)" : " (connection closed)");
        flowTag(f.flow().id());
        write();
    }

    @Override
    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Utf8Text label(String plain, String styled) {
        if (sb.length() > 0) {
            sb.append('\n');
        }
        return sb.append(styled).spaces(LABEL - plain.length()).append(' ');
    }

    private void flowTag(int flow) {
        if (style.enabled()) {
            sb.append(style.dim("  #" + flow));
        } else {
            sb.append("  #").append(flow);
        }
    }

    /** Appends {@code s} and spaces up to {@code width}: one line per exchange, so no intermediate strings. */
    private Utf8Text padded(String s, int width) {
        return sb.append(s).spaces(width - s.length());
    }

    private void preview(HttpBody body) {
        if (body.length() == 0) {
            sb.append("(empty body)");
            return;
        }
        if (!body.text()) {
            sb.append('(').append(body.length()).append(" bytes, binary)");
            return;
        }
        String text = new String(body.shown(), StandardCharsets.UTF_8);
        boolean cut = text.length() > PREVIEW || body.truncated();
        sb.append(quote(text.length() > PREVIEW ? text.substring(0, PREVIEW) : text));
        if (cut) {
            sb.append('…');
        }
    }

    private static String quote(String s) {
        if (s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
            return "\"" + s + "\"";
        }
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    private void write() {
        if (sb.length() == 0) {
            return;
        }
        sb.append('\n');
        if (width.limited()) {
            String fitted = width.fitAll(sb.toString(), LABEL + 1);
            sb.clear();
            sb.append(fitted);
        }
        try {
            sb.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
