package analyzer.report;

import analyzer.dissect.dns.DnsMessageSeen;
import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.quic.QuicPacketSeen;
import analyzer.dissect.session.CredentialSeen;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.dissect.session.ProtocolTextSeen;
import analyzer.dissect.session.StartTlsSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.StreamGap;
import analyzer.dissect.TlsDecryptionSeen;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.dns.DnsMessage;
import analyzer.dissect.http2.GrpcMessages;
import analyzer.dissect.http2.Http2FrameSeen;
import analyzer.dissect.http2.Http2Stream;
import analyzer.dissect.websocket.WebSocketMessageSeen;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Prints one JSON object per event per line. Field names follow tshark's where tshark has one
 * (http.request.method, tls.handshake.ciphersuite, …); the schema is documented in README.md.
 *
 * <p>Lines are built as UTF-8 bytes and, when the output is a {@link Utf8Output.Printer} (standard output),
 * handed over as bytes; any other Writer gets the same text as characters (an unpaired surrogate, which no
 * dissected string contains, reads '?' there as it always did on standard output).
 */
public final class JsonPrinter implements EventSink {

    private static final byte[] EVENT = JsonWriter.fieldName("event");
    private static final byte[] FLOW = JsonWriter.fieldName("flow");
    private static final byte[] DIRECTION = JsonWriter.fieldName("direction");
    private static final byte[] IP_SRC = JsonWriter.fieldName("ip.src");
    private static final byte[] TCP_SRCPORT = JsonWriter.fieldName("tcp.srcport");
    private static final byte[] IP_DST = JsonWriter.fieldName("ip.dst");
    private static final byte[] TCP_DSTPORT = JsonWriter.fieldName("tcp.dstport");
    private static final byte[] UDP_SRCPORT = JsonWriter.fieldName("udp.srcport");
    private static final byte[] UDP_DSTPORT = JsonWriter.fieldName("udp.dstport");
    private static final byte[] DNS_ID = JsonWriter.fieldName("dns.id");
    private static final byte[] DNS_RESPONSE = JsonWriter.fieldName("dns.flags.response");
    private static final byte[] DNS_OPCODE = JsonWriter.fieldName("dns.flags.opcode");
    private static final byte[] DNS_RCODE = JsonWriter.fieldName("dns.flags.rcode");
    private static final byte[] DNS_QRY_NAME = JsonWriter.fieldName("dns.qry.name");
    private static final byte[] DNS_QRY_TYPE = JsonWriter.fieldName("dns.qry.type");
    private static final byte[] DNS_COUNT_ANSWERS = JsonWriter.fieldName("dns.count.answers");
    private static final byte[] DNS_ANSWERS = JsonWriter.fieldName("dns.answers");
    private static final byte[] DNS_TYPE = JsonWriter.fieldName("type");
    private static final byte[] DNS_TTL = JsonWriter.fieldName("ttl");
    private static final byte[] DNS_DATA = JsonWriter.fieldName("data");
    private static final byte[] DNS_A = JsonWriter.fieldName("dns.a");
    private static final byte[] DNS_AAAA = JsonWriter.fieldName("dns.aaaa");
    private static final byte[] QUIC_PACKET_TYPE = JsonWriter.fieldName("quic.packet_type");
    private static final byte[] QUIC_VERSION = JsonWriter.fieldName("quic.version");
    private static final byte[] QUIC_DCID = JsonWriter.fieldName("quic.dcid");
    private static final byte[] QUIC_SCID = JsonWriter.fieldName("quic.scid");
    private static final byte[] QUIC_LENGTH = JsonWriter.fieldName("quic.packet_length");
    private static final byte[] QUIC_PROBLEM = JsonWriter.fieldName("quic.problem");
    private static final byte[] SESSION_PROTOCOL = JsonWriter.fieldName("session.protocol");
    private static final byte[] SESSION_LINES = JsonWriter.fieldName("session.lines");
    private static final byte[] SESSION_NEGOTIATION = JsonWriter.fieldName("session.negotiation");
    private static final byte[] SESSION_MALFORMED_REASON = JsonWriter.fieldName("session.malformed.reason");
    private static final byte[] CREDENTIALS_MECHANISM = JsonWriter.fieldName("credentials.mechanism");
    private static final byte[] CREDENTIALS_USER = JsonWriter.fieldName("credentials.user");
    private static final byte[] CREDENTIALS_SECRET = JsonWriter.fieldName("credentials.secret");
    private static final byte[] CREDENTIALS_SECRET_MASKED = JsonWriter.fieldName("credentials.secret_masked");
    private static final byte[] STARTTLS_STEP = JsonWriter.fieldName("starttls.step");
    private static final byte[] STARTTLS_DETAIL = JsonWriter.fieldName("starttls.detail");
    private static final byte[] TIME = JsonWriter.fieldName("frame.time_epoch");
    private static final byte[] FRAME_NUMBER = JsonWriter.fieldName("frame.number");
    private static final byte[] SEEN_BY = JsonWriter.fieldName("seen_by");
    private static final byte[] REQUEST_METHOD = JsonWriter.fieldName("http.request.method");
    private static final byte[] REQUEST_URI = JsonWriter.fieldName("http.request.uri");
    private static final byte[] REQUEST_VERSION = JsonWriter.fieldName("http.request.version");
    private static final byte[] RESPONSE_VERSION = JsonWriter.fieldName("http.response.version");
    private static final byte[] RESPONSE_CODE = JsonWriter.fieldName("http.response.code");
    private static final byte[] RESPONSE_PHRASE = JsonWriter.fieldName("http.response.phrase");
    private static final byte[] RESPONSE_FOR_METHOD = JsonWriter.fieldName("http.response_for.method");
    private static final byte[] RESPONSE_FOR_URI = JsonWriter.fieldName("http.response_for.uri");
    private static final byte[] TIME_US = JsonWriter.fieldName("http.time_us");
    private static final byte[] MALFORMED_REASON = JsonWriter.fieldName("http.malformed.reason");
    private static final byte[] DATA_LEN = JsonWriter.fieldName("data.len");
    private static final byte[] DATA_DATA = JsonWriter.fieldName("data.data");
    private static final byte[] DATA_TRUNCATED = JsonWriter.fieldName("data.truncated");
    private static final byte[] GAP_BYTES = JsonWriter.fieldName("tcp.gap.bytes");
    private static final byte[] LEAKS = JsonWriter.fieldName("analyzer.leaks");
    private static final byte[] KIND = JsonWriter.fieldName("kind");
    private static final byte[] DETAIL = JsonWriter.fieldName("detail");
    private static final byte[] HEADERS = JsonWriter.fieldName("http.headers");
    private static final byte[] NAME = JsonWriter.fieldName("name");
    private static final byte[] VALUE = JsonWriter.fieldName("value");
    private static final byte[] CONTENT_LENGTH = JsonWriter.fieldName("http.content_length");
    private static final byte[] CONTENT_ENCODING = JsonWriter.fieldName("http.content_encoding");
    private static final byte[] TRANSFER_ENCODING = JsonWriter.fieldName("http.transfer_encoding");
    private static final byte[] FILE_DATA = JsonWriter.fieldName("http.file_data");
    private static final byte[] FILE_DATA_HEX = JsonWriter.fieldName("http.file_data_hex");
    private static final byte[] FILE_DATA_TRUNCATED = JsonWriter.fieldName("http.file_data.truncated");
    private static final byte[] BODY_INCOMPLETE = JsonWriter.fieldName("http.body.incomplete");
    private static final byte[] TLS_CONTENT_TYPE = JsonWriter.fieldName("tls.record.content_type");
    private static final byte[] TLS_VERSION = JsonWriter.fieldName("tls.record.version");
    private static final byte[] TLS_LENGTH = JsonWriter.fieldName("tls.record.length");
    private static final byte[] TLS_ENCRYPTED = JsonWriter.fieldName("tls.encrypted");
    private static final byte[] TLS_DECRYPTED = JsonWriter.fieldName("tls.decrypted");
    private static final byte[] DECRYPTION_OUTCOME = JsonWriter.fieldName("tls.decryption.outcome");
    private static final byte[] DECRYPTION_DETAIL = JsonWriter.fieldName("tls.decryption.detail");
    private static final byte[] ALERT_LEVEL = JsonWriter.fieldName("tls.alert_message.level");
    private static final byte[] ALERT_DESC = JsonWriter.fieldName("tls.alert_message.desc");
    private static final byte[] HANDSHAKE_TYPE = JsonWriter.fieldName("tls.handshake.type");
    private static final byte[] SERVER_NAME = JsonWriter.fieldName("tls.handshake.extensions_server_name");
    private static final byte[] ALPN = JsonWriter.fieldName("tls.handshake.extensions_alpn_str");
    private static final byte[] SUPPORTED_VERSION = JsonWriter.fieldName("tls.handshake.extensions.supported_version");
    private static final byte[] CIPHERSUITES = JsonWriter.fieldName("tls.handshake.ciphersuites");
    private static final byte[] HANDSHAKE_VERSION = JsonWriter.fieldName("tls.handshake.version");
    private static final byte[] CIPHERSUITE = JsonWriter.fieldName("tls.handshake.ciphersuite");
    private static final byte[] ALPN_SELECTED = JsonWriter.fieldName("tls.handshake.extensions_alpn_str_selected");
    private static final byte[] CERTIFICATES = JsonWriter.fieldName("tls.handshake.certificates");
    private static final byte[] SUBJECT = JsonWriter.fieldName("x509.subject");
    private static final byte[] ISSUER = JsonWriter.fieldName("x509.issuer");
    private static final byte[] NOT_BEFORE = JsonWriter.fieldName("x509.not_before_ms");
    private static final byte[] NOT_AFTER = JsonWriter.fieldName("x509.not_after_ms");

    private static final byte[] HTTP2_STREAMID = JsonWriter.fieldName("http2.streamid");
    private static final byte[] HTTP2_TRAILERS = JsonWriter.fieldName("http2.trailers");
    private static final byte[] HTTP2_TYPE = JsonWriter.fieldName("http2.type");
    private static final byte[] HTTP2_FLAGS = JsonWriter.fieldName("http2.flags");
    private static final byte[] HTTP2_LENGTH = JsonWriter.fieldName("http2.length");
    private static final byte[] GRPC_SERVICE = JsonWriter.fieldName("grpc.service");
    private static final byte[] GRPC_METHOD = JsonWriter.fieldName("grpc.method");
    private static final byte[] GRPC_STATUS = JsonWriter.fieldName("grpc.status");
    private static final byte[] GRPC_STATUS_NAME = JsonWriter.fieldName("grpc.status_name");
    private static final byte[] GRPC_STATUS_MESSAGE = JsonWriter.fieldName("grpc.status_message");
    private static final byte[] GRPC_MESSAGE_COUNT = JsonWriter.fieldName("grpc.message_count");
    private static final byte[] GRPC_MESSAGES = JsonWriter.fieldName("grpc.messages");
    private static final byte[] GRPC_COMPRESSED = JsonWriter.fieldName("grpc.compressed_flag");
    private static final byte[] GRPC_LENGTH = JsonWriter.fieldName("grpc.message_length");
    private static final byte[] GRPC_DATA = JsonWriter.fieldName("grpc.message_data");
    private static final byte[] GRPC_STRINGS = JsonWriter.fieldName("grpc.message_strings");
    private static final byte[] GRPC_INCOMPLETE = JsonWriter.fieldName("grpc.message_incomplete");

    private static final byte[] WS_OPCODE = JsonWriter.fieldName("websocket.opcode");
    private static final byte[] WS_FRAGMENTS = JsonWriter.fieldName("websocket.fragments");
    private static final byte[] WS_MASK = JsonWriter.fieldName("websocket.mask");
    private static final byte[] WS_COMPRESSED = JsonWriter.fieldName("websocket.compressed");
    private static final byte[] WS_PAYLOAD_LENGTH = JsonWriter.fieldName("websocket.payload_length");
    private static final byte[] WS_LENGTH = JsonWriter.fieldName("websocket.length");
    private static final byte[] WS_TEXT = JsonWriter.fieldName("websocket.payload.text");
    private static final byte[] WS_BINARY = JsonWriter.fieldName("websocket.payload.binary");
    private static final byte[] WS_TRUNCATED = JsonWriter.fieldName("websocket.payload.truncated");
    private static final byte[] WS_CLOSE_CODE = JsonWriter.fieldName("websocket.payload.close.status_code");
    private static final byte[] WS_CLOSE_REASON = JsonWriter.fieldName("websocket.payload.close.reason");
    private static final byte[] WS_INCOMPLETE = JsonWriter.fieldName("websocket.incomplete");

    private static final byte[] WEBSOCKET_MESSAGE = quoted("websocket.message");

    private static final byte[] HTTP_REQUEST = quoted("http.request");
    private static final byte[] HTTP2_FRAME = quoted("http2.frame");
    private static final byte[] HTTP_RESPONSE = quoted("http.response");
    private static final byte[] TLS_RECORD = quoted("tls.record");
    private static final byte[] HTTP_MALFORMED = quoted("http.malformed");
    private static final byte[] DATA = quoted("data");
    private static final byte[] TCP_GAP = quoted("tcp.gap");
    private static final byte[] DNS = quoted("dns");
    private static final byte[] QUIC = quoted("quic");
    private static final byte[] TLS_DECRYPTION = quoted("tls.decryption");
    private static final byte[] SESSION_TEXT = quoted("session.text");
    private static final byte[] SESSION_MALFORMED = quoted("session.malformed");
    private static final byte[] CREDENTIALS = quoted("credentials");
    private static final byte[] STARTTLS = quoted("starttls");
    private static final byte[] WIRE = quoted("wire");
    private static final byte[] PROXY = quoted("proxy");

    /** The flow's fields for one direction change only with the flow: encoded once, for recent flows. */
    private static final int ENDPOINT_CACHE = 256;

    private final Writer out;
    private final boolean showSecrets;
    private final JsonWriter json = new JsonWriter();
    private static final int HEADER_CACHE = 256;
    private static final int STRING_CACHE = 64;

    private final String[] cachedStrings = new String[STRING_CACHE];
    private final byte[][] cachedStringJson = new byte[STRING_CACHE][];

    private final HttpHeader[] cachedHeaders = new HttpHeader[HEADER_CACHE];
    private final byte[][] cachedHeaderJson = new byte[HEADER_CACHE][];
    private final Flow[] cachedFlows = new Flow[ENDPOINT_CACHE];
    private final byte[][] cachedEndpoints = new byte[ENDPOINT_CACHE * 2][];

    public JsonPrinter(Writer out) {
        this(out, false);
    }

    /** @param showSecrets give the passwords and tokens of logins in full (--show-secrets), not masked */
    public JsonPrinter(Writer out, boolean showSecrets) {
        this.out = out;
        this.showSecrets = showSecrets;
    }

    @Override
    public void accept(Event event) {
        json.reset();
        json.begin();
        if (event instanceof HttpRequestSeen r) {
            common(HTTP_REQUEST, r);
            repeated(REQUEST_METHOD, r.method());
            repeated(REQUEST_URI, r.uri());
            repeated(REQUEST_VERSION, r.version());
            headersAndBody(r.headers(), r.body());
            http2(r.http2());
            leaks(Leaks.of(r, showSecrets));
        } else if (event instanceof HttpResponseSeen r) {
            common(HTTP_RESPONSE, r);
            repeated(RESPONSE_VERSION, r.version());
            json.field(RESPONSE_CODE, r.code());
            repeated(RESPONSE_PHRASE, r.phrase());
            if (r.requestMethod() != null) {
                repeated(RESPONSE_FOR_METHOD, r.requestMethod());
                repeated(RESPONSE_FOR_URI, r.requestUri());
            }
            if (r.requestTimestampMicros() >= 0) {
                json.field(TIME_US, r.timestampMicros() - r.requestTimestampMicros());
            }
            headersAndBody(r.headers(), r.body());
            http2(r.http2());
            leaks(Leaks.of(r, showSecrets));
        } else if (event instanceof HttpMalformed m) {
            common(HTTP_MALFORMED, m);
            json.field(MALFORMED_REASON, m.reason());
        } else if (event instanceof TlsRecordSeen t) {
            tls(t);
        } else if (event instanceof RawDataSeen d) {
            common(DATA, d);
            json.field(DATA_LEN, d.length());
            json.field(DATA_DATA, HexDump.hex(d.preview(), 0, d.preview().length));
            json.field(DATA_TRUNCATED, d.preview().length < d.length());
            leaks(Leaks.of(d, showSecrets));
        } else if (event instanceof StreamGap g) {
            common(TCP_GAP, g);
            json.field(GAP_BYTES, g.missingBytes());
        } else if (event instanceof DnsMessageSeen d) {
            dns(d);
        } else if (event instanceof QuicPacketSeen q) {
            quic(q);
        } else if (event instanceof TlsDecryptionSeen d) {
            common(TLS_DECRYPTION, d);
            json.field(DECRYPTION_OUTCOME, d.outcome().jsonName());
            json.field(DECRYPTION_DETAIL, d.detail());
        } else if (event instanceof ProtocolTextSeen t) {
            common(SESSION_TEXT, t);
            json.field(SESSION_PROTOCOL, t.protocol());
            json.beginArray(SESSION_LINES);
            t.lines().forEach(json::value);
            json.endArray();
            json.field(SESSION_NEGOTIATION, t.negotiation());
        } else if (event instanceof CredentialSeen c) {
            credential(c);
        } else if (event instanceof StartTlsSeen s) {
            common(STARTTLS, s);
            json.field(SESSION_PROTOCOL, s.protocol());
            json.field(STARTTLS_STEP, s.step().name().toLowerCase(java.util.Locale.ROOT));
            json.field(STARTTLS_DETAIL, s.detail());
        } else if (event instanceof ProtocolMalformed m) {
            common(SESSION_MALFORMED, m);
            json.field(SESSION_PROTOCOL, m.protocol());
            json.field(SESSION_MALFORMED_REASON, m.reason());
        } else if (event instanceof WebSocketMessageSeen w) {
            webSocket(w);
        } else if (event instanceof Http2FrameSeen f) {
            common(HTTP2_FRAME, f);
            json.field(HTTP2_TYPE, f.type()).field(HTTP2_STREAMID, f.streamId()).field(HTTP2_FLAGS, f.flags())
                    .field(HTTP2_LENGTH, f.length());
            for (Http2FrameSeen.Field field : f.fields()) {
                json.field(JsonWriter.fieldName(field.name()), field.value());
            }
        }
        json.end();
        json.newline();
        try {
            json.writeTo(out);
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

    private void common(byte[] type, Event e) {
        json.key(EVENT).raw(type);
        json.raw(endpoints(e.flow(), e.direction()));
        json.key(TIME).seconds(e.timestampMicros());
        Frames frames = e.frames();
        json.beginArray(FRAME_NUMBER);
        for (int i = 0; i < frames.size(); i++) {
            json.value(frames.get(i));
        }
        json.endArray();
        json.key(SEEN_BY).raw(frames.isEmpty() ? PROXY : WIRE);
        if (e.flow().insideTls()) {
            json.field(TLS_DECRYPTED, true);
        }
    }

    /** {@code ,"flow":1,"direction":…,"tcp.dstport":5683} for this flow and direction. */
    private byte[] endpoints(Flow flow, Direction direction) {
        // A connection and its decrypted view (same id) take neighbouring slots, not turns in one.
        int slot = ((flow.id() << 1) | (flow.insideTls() ? 1 : 0)) & (ENDPOINT_CACHE - 1);
        int index = slot * 2 + direction.ordinal();
        if (cachedFlows[slot] != flow) {
            cachedFlows[slot] = flow;
            cachedEndpoints[slot * 2] = null;
            cachedEndpoints[slot * 2 + 1] = null;
        }
        byte[] bytes = cachedEndpoints[index];
        if (bytes == null) {
            JsonWriter line = new JsonWriter();
            line.raw(new byte[0]); // as if after a field: the cached run starts with its comma
            Endpoint src = flow.source(direction);
            Endpoint dst = flow.destination(direction);
            line.field(FLOW, flow.id())
                    .field(DIRECTION, direction == Direction.CLIENT_TO_SERVER ? "client_to_server" : "server_to_client")
                    .field(IP_SRC, src.host())
                    .field(flow.udp() ? UDP_SRCPORT : TCP_SRCPORT, src.port())
                    .field(IP_DST, dst.host())
                    .field(flow.udp() ? UDP_DSTPORT : TCP_DSTPORT, dst.port());
            bytes = java.util.Arrays.copyOf(line.bytes(), line.length());
            cachedEndpoints[index] = bytes;
        }
        return bytes;
    }

    /** Only present when something leaked: "analyzer.leaks": [{"kind":"credentials","detail":"password=wo…"}]. */
    private void leaks(List<Leaks.Leak> leaks) {
        if (leaks.isEmpty()) {
            return;
        }
        json.beginArray(LEAKS);
        for (Leaks.Leak leak : leaks) {
            json.beginObjectElement().field(KIND, leak.kind().label()).field(DETAIL, leak.detail()).end();
        }
        json.endArray();
    }

    private void headersAndBody(List<HttpHeader> headers, HttpBody body) {
        json.beginArray(HEADERS);
        for (int i = 0; i < headers.size(); i++) {
            header(headers.get(i));
        }
        json.endArray();
        json.field(CONTENT_LENGTH, body.length());
        if (body.contentEncoding() != null) {
            json.field(CONTENT_ENCODING, body.contentEncoding());
        }
        if (body.chunked()) {
            json.field(TRANSFER_ENCODING, "chunked");
        }
        if (body.length() > 0) {
            if (body.text()) {
                json.key(FILE_DATA).utf8String(body.shown());
            } else {
                json.field(FILE_DATA_HEX, HexDump.hex(body.shown(), 0, body.shown().length));
            }
            json.field(FILE_DATA_TRUNCATED, body.truncated());
        }
        if (!body.complete()) {
            json.field(BODY_INCOMPLETE, true);
        }
    }

    private void webSocket(WebSocketMessageSeen w) {
        common(WEBSOCKET_MESSAGE, w);
        json.field(WS_OPCODE, w.type()).field(WS_FRAGMENTS, w.fragments()).field(WS_MASK, w.masked())
                .field(WS_COMPRESSED, w.compressed()).field(WS_PAYLOAD_LENGTH, w.wireLength())
                .field(WS_LENGTH, w.length());
        if (w.closeCode() >= 0) {
            json.field(WS_CLOSE_CODE, w.closeCode());
            json.field(WS_CLOSE_REASON, w.closeReason());
        } else if (w.preview().length > 0) {
            if (w.text()) {
                json.key(WS_TEXT).utf8String(w.preview());
            } else {
                json.field(WS_BINARY, HexDump.hex(w.preview(), 0, w.preview().length));
            }
            json.field(WS_TRUNCATED, w.truncated());
        }
        if (!w.complete()) {
            json.field(WS_INCOMPLETE, true);
        }
    }

    /** What HTTP/2 adds: the stream, trailers, and for gRPC the call, its messages and status. */
    private void http2(Http2Stream h2) {
        if (h2 == null) {
            return;
        }
        json.field(HTTP2_STREAMID, h2.streamId());
        if (!h2.trailers().isEmpty()) {
            json.beginArray(HTTP2_TRAILERS);
            for (HttpHeader h : h2.trailers()) {
                header(h);
            }
            json.endArray();
        }
        GrpcMessages g = h2.grpc();
        if (g == null) {
            return;
        }
        json.field(GRPC_SERVICE, g.service()).field(GRPC_METHOD, g.method());
        if (g.status() >= 0) {
            json.field(GRPC_STATUS, g.status()).field(GRPC_STATUS_NAME, GrpcMessages.statusName(g.status()));
        }
        if (g.statusMessage() != null) {
            json.field(GRPC_STATUS_MESSAGE, g.statusMessage());
        }
        json.field(GRPC_MESSAGE_COUNT, g.count());
        json.beginArray(GRPC_MESSAGES);
        for (GrpcMessages.Message m : g.messages()) {
            json.beginObjectElement().field(GRPC_COMPRESSED, m.compressed()).field(GRPC_LENGTH, m.length())
                    .field(GRPC_DATA, HexDump.hex(m.preview(), 0, m.preview().length));
            json.beginArray(GRPC_STRINGS);
            PrintableStrings.of(m.preview()).forEach(json::value);
            json.endArray();
            if (!m.complete()) {
                json.field(GRPC_INCOMPLETE, true);
            }
            json.end();
        }
        json.endArray();
    }

    /** A JSON string constant, quoted and encoded once. */
    private static byte[] quoted(String value) {
        JsonWriter line = new JsonWriter();
        line.string(value);
        return java.util.Arrays.copyOf(line.bytes(), line.length());
    }

    /**
     * A string field whose value is often the very same String as in earlier events: the method, target and
     * version of requests read from a repeated request line, the status phrase, the request a response answers.
     */
    private void repeated(byte[] name, String value) {
        json.key(name);
        if (value == null) {
            json.string(null);
            return;
        }
        int slot = System.identityHashCode(value) & (STRING_CACHE - 1);
        if (cachedStrings[slot] == value) {
            json.raw(cachedStringJson[slot]);
            return;
        }
        int start = json.length();
        json.string(value);
        cachedStrings[slot] = value;
        cachedStringJson[slot] = java.util.Arrays.copyOfRange(json.bytes(), start, json.length());
    }

    /**
     * {"name":…,"value":…}. The dissector hands out the same HttpHeader object for a header line a stream repeats
     * (Host, Server, Content-Type…), so the encoded object is kept for recently seen ones.
     */
    private void header(HttpHeader h) {
        int slot = System.identityHashCode(h) & (HEADER_CACHE - 1);
        if (cachedHeaders[slot] == h) {
            json.element();
            json.raw(cachedHeaderJson[slot]);
            return;
        }
        int start = json.length() + (json.inFirstElement() ? 0 : 1);
        json.beginObjectElement().field(NAME, h.name()).field(VALUE, h.value()).end();
        cachedHeaders[slot] = h;
        cachedHeaderJson[slot] = java.util.Arrays.copyOfRange(json.bytes(), start, json.length());
    }

    private void credential(CredentialSeen c) {
        common(CREDENTIALS, c);
        json.field(SESSION_PROTOCOL, c.protocol());
        json.field(CREDENTIALS_MECHANISM, c.mechanism());
        if (c.user() != null) {
            json.field(CREDENTIALS_USER, c.user());
        }
        if (c.secret() != null) {
            json.field(CREDENTIALS_SECRET, showSecrets ? c.secret() : analyzer.leaks.Masking.shorten(c.secret()));
            json.field(CREDENTIALS_SECRET_MASKED, !showSecrets);
        }
    }

    private void dns(DnsMessageSeen e) {
        common(DNS, e);
        DnsMessage m = e.message();
        json.field(DNS_ID, m.id()).field(DNS_RESPONSE, m.response()).field(DNS_OPCODE, m.opcode());
        if (m.response()) {
            json.field(DNS_RCODE, m.rcode());
        }
        if (!m.questions().isEmpty()) {
            json.field(DNS_QRY_NAME, m.questions().get(0).name());
            json.field(DNS_QRY_TYPE, m.questions().get(0).typeName());
        }
        if (!m.response()) {
            return;
        }
        json.field(DNS_COUNT_ANSWERS, m.answerCount());
        json.beginArray(DNS_ANSWERS);
        for (DnsMessage.Record r : m.answers()) {
            json.beginObjectElement().field(NAME, r.name()).field(DNS_TYPE, r.typeName()).field(DNS_TTL, r.ttl())
                    .field(DNS_DATA, r.data()).end();
        }
        json.endArray();
        addresses(DNS_A, m, 1);
        addresses(DNS_AAAA, m, 28);
    }

    private void addresses(byte[] name, DnsMessage m, int type) {
        if (m.answers().stream().noneMatch(r -> r.type() == type)) {
            return;
        }
        json.beginArray(name);
        for (DnsMessage.Record r : m.answers()) {
            if (r.type() == type) {
                json.value(r.data());
            }
        }
        json.endArray();
    }

    private void quic(QuicPacketSeen q) {
        common(QUIC, q);
        json.field(QUIC_PACKET_TYPE, q.packetType().label());
        if (q.version() >= 0) {
            json.field(QUIC_VERSION, String.format("0x%08x", q.version()));
        }
        if (!q.dcid().isEmpty()) {
            json.field(QUIC_DCID, q.dcid());
        }
        if (!q.scid().isEmpty()) {
            json.field(QUIC_SCID, q.scid());
        }
        json.field(QUIC_LENGTH, q.length());
        if (q.problem() != null) {
            json.field(QUIC_PROBLEM, q.problem());
        }
        handshakes(q.handshakes());
    }

    private void tls(TlsRecordSeen t) {
        common(TLS_RECORD, t);
        // The type and version names are the same few String constants record after record: encoded once.
        repeated(TLS_CONTENT_TYPE, TlsNames.contentType(t.contentType()));
        repeated(TLS_VERSION, TlsNames.version(t.version()));
        json.field(TLS_LENGTH, t.length())
                .field(TLS_ENCRYPTED, t.encrypted());
        if (t.decrypted()) {
            json.field(TLS_DECRYPTED, true);
        }
        if (t.alert() != null) {
            json.field(ALERT_LEVEL, TlsNames.alertLevel(t.alert().level()))
                    .field(ALERT_DESC, TlsNames.alertDescription(t.alert().description()));
        }
        handshakes(t.handshakes());
    }

    /** The tls.handshake.* fields, for TLS records and QUIC CRYPTO frames alike (as tshark does). */
    private void handshakes(List<TlsHandshake> handshakes) {
        if (handshakes.isEmpty()) {
            return;
        }
        json.beginArray(HANDSHAKE_TYPE);
        for (TlsHandshake h : handshakes) {
            json.value(TlsNames.handshakeType(h.type()));
        }
        json.endArray();
        for (TlsHandshake h : handshakes) {
            if (h instanceof TlsHandshake.ClientHello c) {
                if (c.serverName() != null) {
                    json.field(SERVER_NAME, c.serverName());
                }
                json.beginArray(ALPN);
                c.alpn().forEach(json::value);
                json.endArray();
                json.beginArray(SUPPORTED_VERSION);
                c.supportedVersions().stream().filter(v -> !TlsNames.isGrease(v))
                        .forEach(v -> json.value(TlsNames.version(v)));
                json.endArray();
                json.beginArray(CIPHERSUITES);
                c.cipherSuites().stream().filter(s -> !TlsNames.isGrease(s))
                        .forEach(s -> json.value(TlsNames.cipherSuite(s)));
                json.endArray();
            } else if (h instanceof TlsHandshake.ServerHello s) {
                json.field(HANDSHAKE_VERSION, TlsNames.version(s.selectedVersion()));
                json.field(CIPHERSUITE, TlsNames.cipherSuite(s.cipherSuite()));
                if (s.alpn() != null) {
                    json.field(ALPN_SELECTED, s.alpn());
                }
            } else if (h instanceof TlsHandshake.EncryptedExtensions e && e.alpn() != null) {
                json.field(ALPN_SELECTED, e.alpn());
            } else if (h instanceof TlsHandshake.Certificates c) {
                json.beginArray(CERTIFICATES);
                for (TlsHandshake.CertificateSummary cert : c.chain()) {
                    json.beginObjectElement()
                            .field(SUBJECT, cert.subject())
                            .field(ISSUER, cert.issuer())
                            .field(NOT_BEFORE, cert.notBeforeMillis())
                            .field(NOT_AFTER, cert.notAfterMillis())
                            .end();
                }
                json.endArray();
            }
        }
    }
}
