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
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.StreamGap;
import analyzer.dissect.TlsAlert;
import analyzer.dissect.TlsDecryptionSeen;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.dns.DnsMessage;
import analyzer.dissect.quic.QuicPacketType;
import analyzer.dissect.quic.QuicVersion;
import analyzer.dissect.session.CredentialSeen;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.dissect.session.ProtocolTextSeen;
import analyzer.dissect.session.StartTlsSeen;
import analyzer.dissect.http2.GrpcMessages;
import analyzer.dissect.http2.Http2FrameSeen;
import analyzer.dissect.http2.Http2Stream;
import analyzer.dissect.websocket.WebSocketMessageSeen;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Prints events for people: one block per HTTP message, one line per TLS record. */
public final class TextPrinter implements EventSink {

    private static final String INDENT = "    ";
    private static final int HEADER_COLUMN = 74;

    /** Where the frame numbers end on a terminal wide enough: the first line of a block reads as a table row. */
    private static final int HEADER_RIGHT_EDGE = 80;
    private static final String BODY_BAR = INDENT + "│ ";

    private final Writer out;
    private final Style style;
    private final boolean hexBodies;
    private final TextWidth width;
    private final boolean showSecrets;
    private final Utf8Text sb = new Utf8Text(1024);

    /**
     * @param hexBodies also dump bodies as hex/ASCII (--hex)
     */
    public TextPrinter(Writer out, Style style, boolean hexBodies) {
        this(out, style, hexBodies, TextWidth.UNLIMITED);
    }

    /**
     * @param width lines longer than this are wrapped under their own indent (the header value column, the body's
     *              bar); {@link TextWidth#UNLIMITED} prints them as they are
     */
    public TextPrinter(Writer out, Style style, boolean hexBodies, TextWidth width) {
        this(out, style, hexBodies, width, false);
    }

    /**
     * @param showSecrets show the passwords and tokens of logins in full (--show-secrets) instead of their first
     *                    characters ("hun…")
     */
    public TextPrinter(Writer out, Style style, boolean hexBodies, TextWidth width, boolean showSecrets) {
        this.out = out;
        this.style = style;
        this.hexBodies = hexBodies;
        this.width = width;
        this.showSecrets = showSecrets;
    }

    @Override
    public void accept(Event event) {
        sb.clear();
        if (event instanceof TlsRecordSeen t) {
            tls(t);
        } else if (event instanceof HttpRequestSeen r) {
            request(r);
        } else if (event instanceof HttpResponseSeen r) {
            response(r);
        } else if (event instanceof HttpMalformed m) {
            header(m, style.red("HTTP malformed") + decryptedMark(m));
            sb.append(INDENT).append(m.reason()).append('\n');
        } else if (event instanceof RawDataSeen d) {
            raw(d);
        } else if (event instanceof StreamGap g) {
            header(g, style.yellow("GAP  " + grouped(g.missingBytes())
                    + (g.flow().udp() ? " bytes of the datagram not captured (snap length)"
                            : " bytes missing (not captured or lost); reassembly skipped ahead")));
        } else if (event instanceof DnsMessageSeen d) {
            dns(d);
        } else if (event instanceof QuicPacketSeen q) {
            quic(q);
        } else if (event instanceof TlsDecryptionSeen d) {
            decryption(d);
        } else if (event instanceof ProtocolTextSeen t) {
            sessionText(t);
        } else if (event instanceof CredentialSeen c) {
            credential(c);
        } else if (event instanceof StartTlsSeen s) {
            startTls(s);
        } else if (event instanceof ProtocolMalformed m) {
            header(m, style.red(m.protocol() + " malformed") + "  " + m.reason());
        } else if (event instanceof Http2FrameSeen f) {
            http2Frame(f);
        } else if (event instanceof WebSocketMessageSeen w) {
            webSocket(w);
        }
        write();
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void request(HttpRequestSeen r) {
        Http2Stream h2 = r.http2();
        if (h2 == null) {
            header(r, style.bold("HTTP request") + decryptedMark(r));
        } else {
            int start = headerStart(r);
            sb.append(style.bold(h2.grpc() != null ? "gRPC request  " + call(h2.grpc()) : "HTTP/2 request"));
            sb.append("  stream ").append(h2.streamId()).append(decryptedMark(r));
            headerEnd(r, start);
        }
        startLine(r.method(), r.uri(), r.version());
        headersAndBody(r.headers(), r.body(), h2);
        leaks(Leaks.of(r, showSecrets), r.flow().insideTls());
        readableBy(r);
    }

    /** Under each message: who can read it — anyone on the path, or, decrypted, only who holds the keys. */
    private void readableBy(Event e) {
        if (e.flow().insideTls()) {
            sb.append(INDENT).append(style.green("🔓 " + decryptedWith(e.flow().id())
                    + ": encrypted on the wire")).append("\n\n");
        } else {
            sb.append(INDENT).append(style.yellow("⚠ readable by anyone on the path")).append("\n\n");
        }
    }

    private void response(HttpResponseSeen r) {
        int start = headerStart(r);
        Http2Stream h2 = r.http2();
        if (h2 != null && h2.grpc() != null) {
            GrpcMessages g = h2.grpc();
            String status = g.status() >= 0 ? GrpcMessages.statusName(g.status()) : "no status";
            sb.append(g.status() > 0 ? style.red("gRPC response  " + status) : style.bold("gRPC response  " + status));
            sb.append("  ").append(call(g));
        } else if (style.enabled()) {
            sb.append(style.bold((h2 != null ? "HTTP/2 response  " : "HTTP response  ") + r.code() + " " + r.phrase()));
        } else {
            sb.append(h2 != null ? "HTTP/2 response  " : "HTTP response  ").append(r.code()).append(' ').append(r.phrase());
        }
        if (r.requestTimestampMicros() >= 0 && r.timestampMicros() >= r.requestTimestampMicros()) {
            sb.append("  (");
            millis(r.timestampMicros() - r.requestTimestampMicros());
            sb.append(')');
        }
        if (r.requestMethod() != null && (h2 == null || h2.grpc() == null)) {
            sb.append("  to ").append(r.requestMethod()).append(' ').append(r.requestUri());
        }
        if (h2 != null) {
            sb.append("  stream ").append(h2.streamId());
        }
        sb.append(decryptedMark(r));
        headerEnd(r, start);
        startLine(r.version(), Integer.toString(r.code()), r.phrase());
        headersAndBody(r.headers(), r.body(), h2);
        leaks(Leaks.of(r, showSecrets), r.flow().insideTls());
        readableBy(r);
    }

    /** The request or status line, in bold; plain text is appended in place rather than concatenated first. */
    private void startLine(String first, String second, String third) {
        sb.append(INDENT);
        if (style.enabled()) {
            sb.append(style.bold(first + " " + second + " " + third));
        } else {
            sb.append(first).append(' ').append(second).append(' ').append(third);
        }
        sb.append('\n');
    }

    /** Credentials and session tokens are what a thief takes first: say so under the message. */
    private void leaks(List<Leaks.Leak> leaks, boolean insideTls) {
        for (Leaks.Leak leak : leaks) {
            int line = sb.length();
            sb.append(INDENT).append(style.red("⚠ " + leak.kind().label() + (insideTls ? " inside TLS: " : " in clear: ")
                    + leak.detail())).append('\n');
            fitLine(line, INDENT.length() + 2);
        }
    }

    private void headersAndBody(List<HttpHeader> headers, HttpBody body, Http2Stream h2) {
        if (h2 == null) {
            headersAndBody(headers, body);
            return;
        }
        if (h2.grpc() == null) {
            headersAndBody(headers, body);
        } else {
            headersAndBody(headers, HttpBody.EMPTY);
            grpcMessages(h2.grpc(), body);
        }
        if (!h2.trailers().isEmpty()) {
            sb.append(INDENT).append("trailers\n");
            headersAndBody(h2.trailers(), HttpBody.EMPTY);
        }
        if (h2.grpc() != null && h2.grpc().statusMessage() != null && h2.grpc().status() > 0) {
            sb.append(INDENT).append(style.red("gRPC status " + h2.grpc().status() + " "
                    + GrpcMessages.statusName(h2.grpc().status()) + ": " + h2.grpc().statusMessage())).append('\n');
        }
    }

    /** "helloworld.Greeter/SayHello" */
    private static String call(GrpcMessages g) {
        return g.service() != null ? g.service() + "/" + g.method() : "(no :path)";
    }

    /** Each length-prefixed message: size, compressed flag, its first bytes in hex and what reads as text. */
    private void grpcMessages(GrpcMessages g, HttpBody body) {
        for (int i = 0; i < g.messages().size(); i++) {
            GrpcMessages.Message m = g.messages().get(i);
            sb.append(INDENT).append("gRPC message ").append(i + 1).append("  ").append(grouped(m.length()))
                    .append(m.length() == 1 ? " byte" : " bytes");
            if (m.compressed()) {
                sb.append(", compressed");
            }
            if (!m.complete()) {
                sb.append(", incomplete: the stream ended first");
            }
            sb.append('\n');
            byte[] p = m.preview();
            HexDump.append(sb, INDENT + "│ ", p, 0, Math.min(p.length, GRPC_HEX));
            List<String> strings = PrintableStrings.of(p);
            if (!strings.isEmpty()) {
                int line = sb.length();
                sb.append(INDENT).append("│ strings ");
                for (int k = 0; k < strings.size(); k++) {
                    sb.append(k > 0 ? ", \"" : "\"").append(strings.get(k)).append('"');
                }
                sb.append('\n');
                fitLine(line, BODY_BAR);
            }
        }
        if (g.count() > g.messages().size()) {
            sb.append(INDENT).append(style.dim("… " + (g.count() - g.messages().size()) + " more gRPC messages"))
                    .append('\n');
        }
        if (!body.complete()) {
            sb.append(INDENT).append("body incomplete: the stream ended first\n");
        }
    }

    /** Bytes of each gRPC message shown in hex; its strings come from the whole preview. */
    private static final int GRPC_HEX = 64;

    /** "WebSocket text  34 bytes, masked, deflated from 28, 3 fragments", then the payload. */
    private void webSocket(WebSocketMessageSeen w) {
        StringBuilder line = new StringBuilder("WebSocket ").append(w.type());
        if (w.closeCode() >= 0) {
            line.append("  ").append(w.closeCode());
            if (w.closeReason() != null && !w.closeReason().isEmpty()) {
                line.append(" \"").append(w.closeReason()).append('"');
            }
        } else {
            line.append("  ").append(grouped(w.length())).append(w.length() == 1 ? " byte" : " bytes");
        }
        if (w.masked()) {
            line.append(", masked");
        }
        if (w.compressed()) {
            line.append(", deflated from ").append(grouped(w.wireLength()));
        }
        if (w.fragments() > 1) {
            line.append(", ").append(w.fragments()).append(" fragments");
        }
        if (!w.complete()) {
            line.append(", incomplete: the stream ended first");
        }
        header(w, (w.type().equals("text") || w.type().equals("binary") ? style.bold(line.toString())
                : line.toString()) + decryptedMark(w));
        if (w.closeCode() < 0 && w.preview().length > 0) {
            payloadLines(w.preview(), w.text());
            if (w.truncated()) {
                sb.append(INDENT).append(style.dim("… " + grouped(w.length() - w.preview().length)
                        + " more bytes not shown (--max-body to show more)")).append('\n');
            }
        }
        if ((w.type().equals("text") || w.type().equals("binary")) && w.flow().insideTls()) {
            sb.append(INDENT).append(style.green("🔓 " + decryptedWith(w.flow().id()) + ": encrypted on the wire"))
                    .append('\n');
        } else if (w.type().equals("text") || w.type().equals("binary")) {
            sb.append(INDENT).append(style.yellow("⚠ readable by anyone on the path")).append('\n');
        }
        if (w.closeCode() < 0 && w.preview().length > 0) {
            sb.append('\n');
        }
    }

    /** One line per control frame (--layers): "HTTP/2 SETTINGS  max_concurrent_streams 100". */
    private void http2Frame(Http2FrameSeen f) {
        StringBuilder line = new StringBuilder("HTTP/2 ").append(f.type());
        if ((f.flags() & Http2FrameSeen.ACK) != 0 && ("SETTINGS".equals(f.type()) || "PING".equals(f.type()))) {
            line.append(" ACK");
        }
        if (f.streamId() != 0) {
            line.append("  stream ").append(f.streamId());
        }
        String sep = "  ";
        for (Http2FrameSeen.Field field : f.fields()) {
            String name = field.name();
            int dot = name.lastIndexOf('.');
            line.append(sep).append(name.startsWith("http2.") ? name.substring(dot + 1) : name).append(' ')
                    .append(field.value());
            sep = ", ";
        }
        header(f, ("RST_STREAM".equals(f.type()) || "GOAWAY".equals(f.type()) ? style.yellow(line.toString())
                : style.dim(line.toString())) + decryptedMark(f));
    }

    private void headersAndBody(List<HttpHeader> headers, HttpBody body) {
        int width = 0; // of the name column
        for (HttpHeader h : headers) {
            width = Math.max(width, h.name().length());
        }
        width = Math.min(Math.max(width + 2, 16), 28);
        for (int i = 0; i < headers.size(); i++) {
            HttpHeader h = headers.get(i);
            int slot = System.identityHashCode(h) & (SHOWN_HEADERS - 1);
            if (shownHeader[slot] == h && shownHeaderWidth[slot] == width) {
                sb.append(shownHeaderLine[slot]);
                continue;
            }
            int start = sb.length();
            sb.append(INDENT).append(style.cyan(h.name()));
            sb.spaces(width - h.name().length());
            sb.append(h.value()).append('\n');
            fitLine(start, INDENT.length() + width);
            shownHeader[slot] = h;
            shownHeaderWidth[slot] = width;
            shownHeaderLine[slot] = sb.copyFrom(start);
        }
        if (body.length() == 0 && body.complete()) {
            return;
        }
        sb.append(INDENT).append("body (").append(grouped(body.length())).append(body.length() == 1 ? " byte" : " bytes")
                .append(body.text() ? ", text" : ", binary");
        if (body.contentEncoding() != null) {
            sb.append(", ").append(body.contentEncoding()).append("-decoded");
        }
        if (body.chunked()) {
            sb.append(", chunked");
        }
        if (!body.complete()) {
            sb.append(", incomplete: the stream ended first");
        }
        sb.append(")\n");
        byte[] shown = body.shown();
        payloadLines(shown, body.text());
        if (hexBodies && body.text()) {
            HexDump.append(sb, INDENT + "  ", shown, 0, shown.length);
        }
        if (body.truncated()) {
            sb.append(INDENT).append(style.dim("… " + grouped(body.length() - shown.length)
                    + " more bytes not shown (--max-body to show more)")).append('\n');
        }
    }

    /** A payload as "│ "-prefixed lines of text, or as a hex dump. */
    private void payloadLines(byte[] shown, boolean asText) {
        if (asText) {
            String text = new String(shown, StandardCharsets.UTF_8);
            if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
            }
            // By hand rather than split("\r?\n"): the proxy prints a body per response, a regex each is measurable.
            for (int start = 0; ; ) {
                int newline = text.indexOf('\n', start);
                int end = newline < 0 ? text.length() : newline;
                int cut = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
                int line = sb.length();
                sb.append(BODY_BAR).append(text, start, cut).append('\n');
                fitLine(line, BODY_BAR);
                if (newline < 0) {
                    break;
                }
                start = newline + 1;
            }
        } else {
            HexDump.append(sb, BODY_BAR, shown, 0, shown.length);
        }
    }

    private void tls(TlsRecordSeen t) {
        String type = TlsNames.contentType(t.contentType());
        StringBuilder line = new StringBuilder("TLS  ").append(type).append("  ");
        if (t.contentType() == TlsRecordSeen.ALERT && t.alert() != null) {
            TlsAlert a = t.alert();
            line.append(TlsNames.alertLevel(a.level())).append(' ').append(TlsNames.alertDescription(a.description()));
            String meaning = alertMeaning(t);
            if (meaning != null) {
                line.append("    ").append(meaning);
            }
            if (t.decrypted()) {
                line.append("  ").append(DECRYPTED_MARK);
            }
            header(t, a.level() == 2 ? style.red(line.toString()) : line.toString());
            return;
        }
        if (!t.handshakes().isEmpty()) {
            for (int i = 0; i < t.handshakes().size(); i++) {
                if (i > 0) {
                    line.append("; ");
                }
                describe(line, t.handshakes().get(i));
            }
            if (t.decrypted()) {
                line.append("  ").append(DECRYPTED_MARK);
            }
            header(t, line.toString());
            return;
        }
        line.append(grouped(t.length())).append(t.length() == 1 ? " byte" : " bytes");
        if (t.decrypted()) {
            line.append("  ").append(style.green(DECRYPTED_MARK));
        } else if (t.encrypted()) {
            line.append("  ").append(style.green("🔒 encrypted, unreadable"));
        }
        header(t, line.toString());
    }

    private static final String DECRYPTED = "decrypted";
    private static final String DECRYPTED_MARK = "🔓 decrypted";

    /**
     * "decrypted with the key log (TLS 1.3, …)": said once per connection, when its first protected record opens,
     * or why it did not.
     */
    private void decryption(TlsDecryptionSeen d) {
        if (d.outcome() == TlsDecryptionSeen.Outcome.DECRYPTED) {
            int slot = d.flow().id() & (SHOWN_FLOWS - 1);
            decryptedFlow[slot] = d.flow().id();
            decryptedHow[slot] = d.detail().startsWith("with the server key") ? "decrypted with the server's key"
                    : d.detail().startsWith("as a resumed session") ? "decrypted (resumed session)"
                    : "decrypted with the key log";
            header(d, style.green("TLS  🔓 decrypted " + d.detail()));
        } else {
            header(d, style.yellow("TLS  not decrypted: " + d.detail()));
        }
    }

    /** How the connection's TLS was opened, as its decryption line said. */
    private String decryptedWith(int flowId) {
        int slot = flowId & (SHOWN_FLOWS - 1);
        return decryptedFlow[slot] == flowId && decryptedHow[slot] != null ? decryptedHow[slot] : "decrypted";
    }

    /** What an alert means for the story ("the client rejected the server's certificate"), or null. */
    static String alertMeaning(TlsRecordSeen t) {
        int d = t.alert().description();
        if (TlsNames.rejectsCertificate(d)) {
            return t.direction() == analyzer.flow.Direction.CLIENT_TO_SERVER
                    ? "the client rejected the server's certificate"
                    : "the server rejected the client's certificate";
        }
        if (d == 0) {
            return "orderly close";
        }
        return null;
    }

    private static void describe(StringBuilder line, TlsHandshake h) {
        if (h instanceof TlsHandshake.ClientHello c) {
            line.append("ClientHello  ");
            StringBuilder details = new StringBuilder();
            if (c.serverName() != null) {
                details.append("SNI ").append(c.serverName());
            }
            if (!c.alpn().isEmpty()) {
                separate(details).append("ALPN ").append(String.join(",", c.alpn()));
            }
            List<Integer> versions = c.supportedVersions().isEmpty() ? List.of(c.legacyVersion())
                    : c.supportedVersions();
            StringBuilder offered = new StringBuilder();
            for (int v : versions) {
                if (TlsNames.isGrease(v)) {
                    continue;
                }
                String name = TlsNames.version(v);
                if (offered.length() > 0) {
                    offered.append('/');
                    name = name.startsWith("TLS ") ? name.substring(4) : name;
                }
                offered.append(name);
            }
            separate(details).append("offers ").append(offered);
            separate(details).append(c.cipherSuites().size()).append(" suites");
            line.append(details);
        } else if (h instanceof TlsHandshake.ServerHello s) {
            line.append("ServerHello  ").append(TlsNames.version(s.selectedVersion()))
                    .append(", ").append(TlsNames.cipherSuite(s.cipherSuite()))
                    .append(s.alpn() != null ? ", ALPN " + s.alpn() : "");
        } else if (h instanceof TlsHandshake.EncryptedExtensions e) {
            line.append("EncryptedExtensions").append(e.alpn() != null ? "  ALPN " + e.alpn() : "");
        } else if (h instanceof TlsHandshake.Certificates c) {
            line.append("Certificate  ");
            if (c.chain().isEmpty()) {
                line.append("(empty)");
            }
            for (int i = 0; i < c.chain().size(); i++) {
                TlsHandshake.CertificateSummary cert = c.chain().get(i);
                line.append(i > 0 ? " ← " : "").append(cert.subject()).append(" issued by ").append(cert.issuer());
            }
        } else {
            line.append(camel(TlsNames.handshakeType(h.type())));
        }
    }

    private static StringBuilder separate(StringBuilder sb) {
        return sb.length() > 0 ? sb.append(", ") : sb;
    }

    /** "server_hello_done" → "ServerHelloDone", as Wireshark names handshake messages. */
    private static String camel(String snake) {
        StringBuilder sb = new StringBuilder(snake.length());
        boolean upper = true;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    /** "SMTP  EHLO client.example", a multi-line reply's further lines indented below. */
    private void sessionText(ProtocolTextSeen t) {
        header(t, t.protocol() + "  " + t.lines().get(0));
        for (int i = 1; i < t.lines().size(); i++) {
            sb.append(INDENT).append(t.lines().get(i)).append('\n');
        }
    }

    /** "user alice  password won…", the password masked unless {@code showSecrets}. */
    static String login(CredentialSeen c, boolean showSecrets) {
        StringBuilder line = new StringBuilder();
        if (c.user() != null) {
            line.append("user ").append(c.user());
        }
        if (c.secret() != null) {
            line.append(line.isEmpty() ? "" : "  ").append("password ")
                    .append(showSecrets ? c.secret() : analyzer.leaks.Masking.shorten(c.secret()));
        } else {
            line.append(line.isEmpty() ? "" : "  ").append("(a challenge response: the password itself did not cross)");
        }
        return line.toString();
    }

    /** "SMTP  AUTH PLAIN  user alice  password won…", and the warning a thief's eyes would give it. */
    private void credential(CredentialSeen c) {
        header(c, c.protocol() + "  " + c.mechanism() + "  " + login(c, showSecrets));
        if (c.flow().insideTls()) {
            sb.append(INDENT).append(style.green("🔓 " + decryptedWith(c.flow().id()) + ": encrypted on the wire"))
                    .append('\n');
        } else {
            sb.append(INDENT).append(style.red("⚠ credentials in clear: readable by anyone on the path")).append('\n');
        }
    }

    private void startTls(StartTlsSeen s) {
        String what = switch (s.step()) {
            case OFFERED -> "upgrade to TLS offered (" + s.detail() + ")";
            case REQUESTED -> "upgrade to TLS requested (" + s.detail() + ")";
            case ACCEPTED -> style.green("upgrade to TLS accepted: what follows is TLS");
            case REFUSED -> style.yellow("upgrade to TLS refused: " + s.detail());
        };
        header(s, s.protocol() + "  " + what);
    }

    /** "DNS  query  A example.com  id 0x1a2b", then one line per answer record. */
    private void dns(DnsMessageSeen e) {
        DnsMessage m = e.message();
        StringBuilder line = new StringBuilder("DNS  ").append(m.response() ? "answer  " : "query  ");
        if (m.response()) {
            line.append(m.rcodeName()).append("  ");
        }
        for (int i = 0; i < m.questions().size(); i++) {
            DnsMessage.Question q = m.questions().get(i);
            line.append(i > 0 ? ", " : "").append(q.typeName()).append(' ').append(q.name());
        }
        line.append(String.format("  id 0x%04x", m.id()));
        header(e, line.toString());
        for (DnsMessage.Record r : m.answers()) {
            sb.append(INDENT).append(r.name()).append("  ").append(r.typeName()).append("  ").append(r.data())
                    .append(style.dim("  ttl " + r.ttl())).append('\n');
        }
        if (m.answers().size() < m.answerCount()) {
            sb.append(INDENT).append(style.dim("… " + (m.answerCount() - m.answers().size()) + " more records"))
                    .append('\n');
        }
    }

    /** "QUIC  Initial  QUIC v1  ClientHello  SNI localhost, …", or "QUIC  1-RTT  54 bytes  🔒 encrypted". */
    private void quic(QuicPacketSeen q) {
        StringBuilder line = new StringBuilder("QUIC  ").append(q.packetType().label()).append("  ");
        if (q.version() > 0) {
            line.append(QuicVersion.describe(q.version())).append("  ");
        }
        if (!q.handshakes().isEmpty()) {
            for (int i = 0; i < q.handshakes().size(); i++) {
                if (i > 0) {
                    line.append("; ");
                }
                describe(line, q.handshakes().get(i));
            }
        } else {
            line.append(grouped(q.length())).append(q.length() == 1 ? " byte" : " bytes");
            if (q.packetType() != QuicPacketType.INITIAL && q.packetType() != QuicPacketType.VERSION_NEGOTIATION
                    && q.packetType() != QuicPacketType.RETRY) {
                line.append("  ").append(style.green("🔒 encrypted, unreadable"));
            }
        }
        if (q.problem() != null) {
            line.append("  ").append(style.yellow(q.problem()));
        }
        header(q, line.toString());
    }

    private void raw(RawDataSeen d) {
        header(d, "DATA  " + grouped(d.length()) + (d.length() == 1 ? " byte" : " bytes")
                + (d.flow().udp() ? " (a UDP datagram, neither DNS nor QUIC)" : " (neither HTTP nor TLS)")
                + decryptedMark(d));
        byte[] p = d.preview();
        HexDump.append(sb, INDENT, p, 0, p.length);
        if (p.length < d.length()) {
            sb.append(INDENT).append(style.dim("… " + grouped(d.length() - p.length) + " more bytes")).append('\n');
        }
        leaks(Leaks.of(d, showSecrets), d.flow().insideTls());
    }

    /** "  decrypted" after the kind of a message read from decrypted TLS; nothing for one read off the wire. */
    private String decryptedMark(Event e) {
        return e.flow().insideTls() ? "  " + style.green(DECRYPTED) : "";
    }

    private void header(Event e, String what) {
        int start = headerStart(e);
        sb.append(what);
        headerEnd(e, start);
    }

    /** The start of a message's first line, "#3  client → server  "; returns where the line began. */
    private int headerStart(Event e) {
        int start = sb.length();
        boolean fromClient = e.direction() == analyzer.flow.Direction.CLIENT_TO_SERVER;
        int slot = e.flow().id() & (SHOWN_FLOWS - 1);
        // A connection and its decrypted view share id and endpoints, and so their prefix.
        analyzer.flow.Flow shown = shownFlow[slot];
        if (shown == null || shown.id() != e.flow().id() || shown.client() != e.flow().client()) {
            shownFlow[slot] = e.flow();
            shownPrefix[slot * 2] = null;
            shownPrefix[slot * 2 + 1] = null;
        }
        int index = slot * 2 + (fromClient ? 0 : 1);
        byte[] prefix = shownPrefix[index];
        if (prefix != null) {
            sb.append(prefix);
            return start;
        }
        if (style.enabled()) {
            sb.append(style.bold("#" + e.flow().id()));
        } else {
            sb.append('#').append(e.flow().id());
        }
        String client = e.flow().client().toString();
        String server = e.flow().server().toString();
        sb.append("  ").append(fromClient ? client : server).append(" → ").append(fromClient ? server : client)
                .append("  ");
        shownPrefix[index] = sb.copyFrom(start);
        return start;
    }

    /** Ends the first line begun at {@code start}: where the message was seen, aligned at the header column. */
    private void headerEnd(Event e, int start) {
        Frames frames = e.frames();
        String where = frames.isEmpty() ? "seen by proxy" : (frames.size() == 1 ? "frame " : "frames ") + frames;
        if (width.limited()) {
            fittedHeaderEnd(start, where);
            return;
        }
        int visible = sb.width(start, style.enabled());
        sb.append("  ");
        sb.spaces(HEADER_COLUMN - visible - 2);
        sb.append(style.dim(where)).append('\n');
    }

    /**
     * On a terminal: where the message was seen, flush right (at column 80, or the terminal's edge when narrower),
     * after a description wrapped under the block's indent when the line would not hold both.
     */
    private void fittedHeaderEnd(int start, String where) {
        String description = sb.toString(start);
        int right = Math.min(width.columns(), HEADER_RIGHT_EDGE);
        int visible = TextWidth.displayWidth(description);
        if (visible + 2 + where.length() <= right) {
            sb.spaces(right - visible - where.length());
        } else if (visible + 2 + where.length() <= width.columns()) {
            sb.spaces(2);
        } else {
            String wrapped = width.fit(description, INDENT.length());
            sb.truncate(start);
            sb.append(wrapped);
            int last = TextWidth.displayWidth(wrapped.substring(wrapped.lastIndexOf('\n') + 1));
            if (last + 2 + where.length() > right) {
                sb.append('\n');
                last = 0;
            }
            sb.spaces(Math.max(right - last - where.length(), last == 0 ? 0 : 2));
        }
        sb.append(style.dim(where)).append('\n');
    }

    /** Wraps the line just appended from {@code start} (ending in a newline) when it is wider than the terminal. */
    private void fitLine(int start, int hang) {
        if (width.limited() && sb.length() - start - 1 > width.columns()) {
            refit(start, " ".repeat(hang));
        }
    }

    private void fitLine(int start, String continuation) {
        if (width.limited() && sb.length() - start - 1 > width.columns()) {
            refit(start, continuation);
        }
    }

    private void refit(int start, String continuation) {
        String line = sb.toString(start);
        line = line.substring(0, line.length() - 1);
        if (!width.fits(line)) {
            sb.truncate(start);
            sb.append(width.fit(line, continuation)).append('\n');
        }
    }

    /**
     * The first-line prefix of recently printed flows, by flow id and direction, encoded: a proxy under load prints
     * the messages of many connections interleaved, and formatting addresses is a good part of a header line.
     */
    private static final int SHOWN_FLOWS = 256;
    private final analyzer.flow.Flow[] shownFlow = new analyzer.flow.Flow[SHOWN_FLOWS];
    private final byte[][] shownPrefix = new byte[SHOWN_FLOWS * 2][];
    private final int[] decryptedFlow = new int[SHOWN_FLOWS];
    private final String[] decryptedHow = new String[SHOWN_FLOWS];

    /**
     * Header lines as printed, for recently seen HttpHeader objects: the dissector hands out the same object for a
     * line a stream repeats (Host, Server, Content-Type…), and a line is the same while the column width is.
     */
    private static final int SHOWN_HEADERS = 256;
    private final HttpHeader[] shownHeader = new HttpHeader[SHOWN_HEADERS];
    private final int[] shownHeaderWidth = new int[SHOWN_HEADERS];
    private final byte[][] shownHeaderLine = new byte[SHOWN_HEADERS][];

    /** "0.4 ms", "12 ms", appended digit by digit: the proxy prints one per response. */
    private void millis(long micros) {
        if (micros < 10_000) {
            long tenths = (micros + 50) / 100;
            sb.append(tenths / 10).append('.').append(tenths % 10).append(" ms");
        } else {
            sb.append(micros / 1000).append(" ms");
        }
    }

    /** 1307 → "1 307", grouped by thousands with a space as in the workshop slides. */
    static String grouped(long n) {
        String s = Long.toString(n);
        if (s.length() <= 3) {
            return s;
        }
        StringBuilder g = new StringBuilder();
        int lead = s.length() % 3;
        if (lead > 0) {
            g.append(s, 0, lead);
        }
        for (int i = lead; i < s.length(); i += 3) {
            if (g.length() > 0) {
                g.append(' ');
            }
            g.append(s, i, i + 3);
        }
        return g.toString();
    }

    private void write() {
        try {
            sb.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
