package analyzer.report;

import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.StreamGap;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Prints one JSON object per event per line. Field names follow tshark's where tshark has one
 * (http.request.method, tls.handshake.ciphersuite, …); the schema is documented in README.md.
 */
public final class JsonPrinter implements EventSink {

    private final Writer out;
    private final StringBuilder sb = new StringBuilder(1024);
    private final JsonWriter json = new JsonWriter(sb);

    public JsonPrinter(Writer out) {
        this.out = out;
    }

    @Override
    public void accept(Event event) {
        sb.setLength(0);
        json.begin();
        if (event instanceof HttpRequestSeen r) {
            common("http.request", r);
            json.field("http.request.method", r.method())
                    .field("http.request.uri", r.uri())
                    .field("http.request.version", r.version());
            headersAndBody(r.headers(), r.body());
            leaks(Leaks.of(r));
        } else if (event instanceof HttpResponseSeen r) {
            common("http.response", r);
            json.field("http.response.version", r.version())
                    .field("http.response.code", r.code())
                    .field("http.response.phrase", r.phrase());
            if (r.requestMethod() != null) {
                json.field("http.response_for.method", r.requestMethod())
                        .field("http.response_for.uri", r.requestUri());
            }
            if (r.requestTimestampMicros() >= 0) {
                json.field("http.time_us", r.timestampMicros() - r.requestTimestampMicros());
            }
            headersAndBody(r.headers(), r.body());
            leaks(Leaks.of(r));
        } else if (event instanceof HttpMalformed m) {
            common("http.malformed", m);
            json.field("http.malformed.reason", m.reason());
        } else if (event instanceof TlsRecordSeen t) {
            tls(t);
        } else if (event instanceof RawDataSeen d) {
            common("data", d);
            json.field("data.len", d.length());
            json.field("data.data", HexDump.hex(d.preview(), 0, d.preview().length));
            json.field("data.truncated", d.preview().length < d.length());
        } else if (event instanceof StreamGap g) {
            common("tcp.gap", g);
            json.field("tcp.gap.bytes", g.missingBytes());
        }
        json.end();
        sb.append('\n');
        try {
            out.append(sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void common(String type, Event e) {
        json.field("event", type);
        json.field("flow", e.flow().id());
        json.field("direction", e.direction() == Direction.CLIENT_TO_SERVER ? "client_to_server" : "server_to_client");
        Endpoint src = e.flow().source(e.direction());
        Endpoint dst = e.flow().destination(e.direction());
        json.field("ip.src", src.host())
                .field("tcp.srcport", src.port())
                .field("ip.dst", dst.host())
                .field("tcp.dstport", dst.port());
        long ts = e.timestampMicros();
        json.name("frame.time_epoch");
        sb.append(ts / 1_000_000).append('.');
        long frac = Math.floorMod(ts, 1_000_000L);
        for (long div = 100_000; div > 0; div /= 10) {
            sb.append((char) ('0' + (frac / div) % 10));
        }
        Frames frames = e.frames();
        json.beginArray("frame.number");
        for (int i = 0; i < frames.size(); i++) {
            json.value(frames.get(i));
        }
        json.endArray();
        json.field("seen_by", frames.isEmpty() ? "proxy" : "wire");
    }

    /** Only present when something leaked: "analyzer.leaks": [{"kind":"credentials","detail":"password=wo…"}]. */
    private void leaks(List<Leaks.Leak> leaks) {
        if (leaks.isEmpty()) {
            return;
        }
        json.beginArray("analyzer.leaks");
        for (Leaks.Leak leak : leaks) {
            json.beginObjectElement().field("kind", leak.kind().label()).field("detail", leak.detail()).end();
        }
        json.endArray();
    }

    private void headersAndBody(List<HttpHeader> headers, HttpBody body) {
        json.beginArray("http.headers");
        for (HttpHeader h : headers) {
            json.beginObjectElement().field("name", h.name()).field("value", h.value()).end();
        }
        json.endArray();
        json.field("http.content_length", body.length());
        if (body.contentEncoding() != null) {
            json.field("http.content_encoding", body.contentEncoding());
        }
        if (body.chunked()) {
            json.field("http.transfer_encoding", "chunked");
        }
        if (body.length() > 0) {
            if (body.text()) {
                json.utf8Field("http.file_data", body.shown());
            } else {
                json.field("http.file_data_hex", HexDump.hex(body.shown(), 0, body.shown().length));
            }
            json.field("http.file_data.truncated", body.truncated());
        }
        if (!body.complete()) {
            json.field("http.body.incomplete", true);
        }
    }

    private void tls(TlsRecordSeen t) {
        common("tls.record", t);
        json.field("tls.record.content_type", TlsNames.contentType(t.contentType()))
                .field("tls.record.version", TlsNames.version(t.version()))
                .field("tls.record.length", t.length())
                .field("tls.encrypted", t.encrypted());
        if (t.alert() != null) {
            json.field("tls.alert_message.level", TlsNames.alertLevel(t.alert().level()))
                    .field("tls.alert_message.desc", TlsNames.alertDescription(t.alert().description()));
        }
        if (t.handshakes().isEmpty()) {
            return;
        }
        json.beginArray("tls.handshake.type");
        for (TlsHandshake h : t.handshakes()) {
            json.value(TlsNames.handshakeType(h.type()));
        }
        json.endArray();
        for (TlsHandshake h : t.handshakes()) {
            if (h instanceof TlsHandshake.ClientHello c) {
                if (c.serverName() != null) {
                    json.field("tls.handshake.extensions_server_name", c.serverName());
                }
                json.beginArray("tls.handshake.extensions_alpn_str");
                c.alpn().forEach(json::value);
                json.endArray();
                json.beginArray("tls.handshake.extensions.supported_version");
                c.supportedVersions().stream().filter(v -> !TlsNames.isGrease(v))
                        .forEach(v -> json.value(TlsNames.version(v)));
                json.endArray();
                json.beginArray("tls.handshake.ciphersuites");
                c.cipherSuites().stream().filter(s -> !TlsNames.isGrease(s))
                        .forEach(s -> json.value(TlsNames.cipherSuite(s)));
                json.endArray();
            } else if (h instanceof TlsHandshake.ServerHello s) {
                json.field("tls.handshake.version", TlsNames.version(s.selectedVersion()));
                json.field("tls.handshake.ciphersuite", TlsNames.cipherSuite(s.cipherSuite()));
                if (s.alpn() != null) {
                    json.field("tls.handshake.extensions_alpn_str_selected", s.alpn());
                }
            } else if (h instanceof TlsHandshake.Certificates c) {
                json.beginArray("tls.handshake.certificates");
                for (TlsHandshake.CertificateSummary cert : c.chain()) {
                    json.beginObjectElement()
                            .field("x509.subject", cert.subject())
                            .field("x509.issuer", cert.issuer())
                            .field("x509.not_before_ms", cert.notBeforeMillis())
                            .field("x509.not_after_ms", cert.notAfterMillis())
                            .end();
                }
                json.endArray();
            }
        }
    }
}
