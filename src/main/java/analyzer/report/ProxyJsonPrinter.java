package analyzer.report;

import analyzer.dissect.Event;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
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
import java.util.Locale;

/**
 * What the proxy did, for scripts: the relayed messages as {@code capture --format json} prints them
 * ({@code "seen_by":"proxy"}), and one object per verdict: {@code proxy.tampered}, {@code proxy.tamper_skipped},
 * {@code proxy.forgery_accepted}, {@code proxy.forgery_rejected}, {@code proxy.upstream_failed}. Thread-safe.
 */
public final class ProxyJsonPrinter implements ProxyListener {

    private final Writer out;
    private final JsonPrinter events;
    private final JsonWriter json = new JsonWriter();

    public ProxyJsonPrinter(Writer out) {
        this(out, false);
    }

    /** @param showSecrets give passwords and tokens in full (--show-secrets), not masked */
    public ProxyJsonPrinter(Writer out, boolean showSecrets) {
        this.out = out;
        this.events = new JsonPrinter(out, showSecrets);
    }

    @Override
    public synchronized void seen(Event event) {
        events.accept(event);
    }

    @Override
    public synchronized void tampered(Tampering t) {
        common("proxy.tampered", t.flow(), t.timestampMicros());
        json.field("direction", direction(t.direction()));
        exchange(t.exchange());
        json.field("proxy.part", t.part()).field("proxy.before", t.before()).field("proxy.after", t.after())
                .field("proxy.count", t.count());
        write();
    }

    @Override
    public synchronized void tamperSkipped(TamperSkipped s) {
        common("proxy.tamper_skipped", s.flow(), s.timestampMicros());
        json.field("direction", direction(s.direction()));
        exchange(s.exchange());
        json.field("proxy.part", s.part()).field("proxy.reason", s.reason());
        write();
    }

    @Override
    public synchronized void forgeryAccepted(ForgeryAccepted a) {
        common("proxy.forgery_accepted", a.flow(), a.timestampMicros());
        json.field("proxy.forged_host", a.host()).field("tls.protocol", a.protocol())
                .field("tls.cipher_suite", a.cipherSuite());
        write();
    }

    @Override
    public synchronized void forgeryRejected(ForgeryRejected r) {
        common("proxy.forgery_rejected", r.flow(), r.timestampMicros());
        json.field("proxy.forged_host", r.host())
                .field("proxy.certificate_rejected", r.certificateRejected())
                .field("proxy.evidence", r.evidence().name().toLowerCase(Locale.ROOT));
        if (r.alert() != null) {
            json.field("tls.alert_message.desc", r.alert());
        }
        if (r.detail() != null) {
            json.field("proxy.detail", r.detail());
        }
        write();
    }

    @Override
    public synchronized void upstreamFailed(UpstreamFailure f) {
        common("proxy.upstream_failed", f.flow(), f.timestampMicros());
        json.field("proxy.upstream", f.upstream() == null ? null : f.upstream().toString())
                .field("proxy.reason", f.reason()).field("proxy.bad_gateway", f.badGateway());
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

    private void common(String type, Flow flow, long micros) {
        json.reset();
        json.begin();
        json.field("event", type).field("flow", flow.id());
        Endpoint client = flow.client();
        json.field("ip.src", client.host()).field("tcp.srcport", client.port());
        json.name("frame.time_epoch").seconds(micros);
        json.field("seen_by", "proxy");
    }

    private void exchange(String exchange) {
        if (exchange != null) {
            json.field("proxy.exchange", exchange);
        }
    }

    private static String direction(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? "client_to_server" : "server_to_client";
    }

    private void write() {
        json.end();
        json.newline();
        try {
            json.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
