package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.check.CheckReport;
import analyzer.check.CheckTextReport;
import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.leaks.SecretScanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The pieces of `check` without capture: leak finding, secret scanning across chunks, the verdict rules. */
class VerdictTest {

    private static final ConnectionListener NOTHING = new ConnectionListener() {
        @Override
        public void onData(Direction d, byte[] data, int offset, int length, long frame, long ts) {
        }

        @Override
        public void onGap(Direction d, long missing, long frame, long ts) {
        }

        @Override
        public void onClose(CloseReason reason, long frame, long ts) {
        }
    };

    @Test
    void credentialsAndSessionsAreFoundAndShortened() {
        HttpRequestSeen login = new HttpRequestSeen(SampleEvents.flow(1), Direction.CLIENT_TO_SERVER, 0,
                Frames.of(4), "POST", "/login?token=abcdef", "HTTP/1.1",
                List.of(new HttpHeader("Content-Type", "application/x-www-form-urlencoded"),
                        new HttpHeader("Authorization", "Basic YWxpY2U6d29uZGVybGFuZA=="),
                        new HttpHeader("Cookie", "session=7f3a9c0d11; theme=dark")),
                new HttpBody(38, "username=alice&password=wonderland".getBytes(StandardCharsets.UTF_8), true, null,
                        false, true));
        List<String> found = new ArrayList<>();
        Leaks.of(login).forEach(l -> found.add(l.kind().label() + ": " + l.detail()));
        assertEquals(List.of("credentials: Authorization: Basic YWxp…", "session: Cookie: session=7f3a…; theme=da…",
                "credentials: token=abc… in the URL", "credentials: password=wond… in the form"), found);

        HttpResponseSeen setCookie = new HttpResponseSeen(SampleEvents.flow(1), Direction.SERVER_TO_CLIENT, 0,
                Frames.of(6), "HTTP/1.1", 303, "See Other",
                List.of(new HttpHeader("Set-Cookie", "session=7f3a9c0d11; HttpOnly; Path=/")), HttpBody.EMPTY,
                "POST", "/login", 0);
        assertEquals(List.of(new Leaks.Leak(Leaks.Kind.SESSION, "Set-Cookie: session=7f3a…")), Leaks.of(setCookie));
    }

    @Test
    void aSecretSplitAcrossChunksIsFoundOnceWithTheFrameThatCompletesIt() {
        List<String> found = new ArrayList<>();
        SecretScanner scanner = new SecretScanner((flow, frame, ts) -> NOTHING, List.of("fluffy tail"),
                (flow, direction, secret, frame) -> found.add(secret + "@" + frame + " " + direction));
        ConnectionListener c = scanner.open(SampleEvents.flow(1), 1, 0);
        feed(c, Direction.SERVER_TO_CLIENT, "HTTP/1.1 200 OK\r\n\r\nflu", 5);
        feed(c, Direction.CLIENT_TO_SERVER, "ffy tail", 6); // other direction: no match across directions
        feed(c, Direction.SERVER_TO_CLIENT, "ffy", 7);
        feed(c, Direction.SERVER_TO_CLIENT, " tail and fluffy tail", 8);
        assertEquals(List.of("fluffy tail@8 SERVER_TO_CLIENT", "fluffy tail@8 SERVER_TO_CLIENT"), found);
    }

    private static void feed(ConnectionListener c, Direction d, String text, long frame) {
        byte[] b = ("xx" + text).getBytes(StandardCharsets.US_ASCII);
        c.onData(d, b, 2, b.length - 2, frame, 0);
    }

    @Test
    void verdictRules() {
        EncryptionVerdict none = new EncryptionVerdict(List.of());
        assertEquals(Verdict.NOTHING, none.verdict());
        assertEquals(3, none.verdict().exitCode());

        EncryptionVerdict tls = new EncryptionVerdict(List.of());
        tls.accept(SampleEvents.clientHello());
        tls.accept(SampleEvents.serverHello());
        tls.accept(SampleEvents.applicationData());
        assertEquals(Verdict.ENCRYPTED, tls.verdict());

        EncryptionVerdict binary = new EncryptionVerdict(List.of());
        binary.accept(new RawDataSeen(SampleEvents.flow(2), Direction.CLIENT_TO_SERVER, 0, Frames.of(3), 4,
                new byte[] {0, 1, 2, (byte) 0xfe}));
        assertEquals(Verdict.UNVERIFIED, binary.verdict());
        assertEquals(1, binary.verdict().exitCode());

        EncryptionVerdict text = new EncryptionVerdict(List.of());
        text.accept(SampleEvents.clientHello());
        text.accept(new RawDataSeen(SampleEvents.flow(2), Direction.CLIENT_TO_SERVER, 0, Frames.of(3), 12,
                "USER alice\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Verdict.NOT_ENCRYPTED, text.verdict());
        assertTrue(text(text).contains("\"USER alice\"  (frame 3)"),
                text(text));
    }

    @Test
    void aReadableConnectionPastTheListedOnesStillDecidesTheVerdict() {
        EncryptionVerdict verdict = new EncryptionVerdict(List.of());
        analyzer.flow.ConnectionListenerFactory connections = verdict.wrap((flow, frame, ts) -> NOTHING);
        byte[] binary = {0, 1, 2, (byte) 0xfe};
        byte[] text = "USER alice\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 1; i <= EncryptionVerdict.MAX_LISTED + 1; i++) {
            byte[] bytes = i <= EncryptionVerdict.MAX_LISTED ? binary : text;
            ConnectionListener c = connections.open(SampleEvents.flow(i), 1, 0);
            c.onData(Direction.CLIENT_TO_SERVER, bytes, 0, bytes.length, 2, 0);
            verdict.accept(new RawDataSeen(SampleEvents.flow(i), Direction.CLIENT_TO_SERVER, 0, Frames.of(2),
                    bytes.length, bytes));
            c.onClose(ConnectionListener.CloseReason.FIN, 3, 0);
        }
        CheckReport report = CheckReport.of(new CheckReport.Inputs("test", verdict, null, null, null, null,
                java.util.Set.of(), null, 0, java.time.Instant.now()));
        assertEquals(EncryptionVerdict.MAX_LISTED, report.connections().size());
        assertEquals(1, report.count(CheckReport.Judgement.READABLE));
        assertEquals(EncryptionVerdict.MAX_LISTED + 1, report.judged());
        assertEquals(Verdict.NOT_ENCRYPTED, report.verdict());
        String shown = CheckTextReport.render(report, Style.PLAIN, List.of());
        assertTrue(shown.contains("… and 1 more connection with data, counted below but not listed"), shown);
        assertTrue(shown.contains("1 of 10001 connections readable on the wire"), shown);
    }

    @Test
    void aTlsConnectionPastTheListedOnesIsJudgedAgainstThePolicyWhenItEndsAndNotKept() {
        java.time.Instant now = java.time.Instant.now();
        analyzer.check.TlsPolicy policy = analyzer.check.TlsPolicy.named("intermediate");
        EncryptionVerdict verdict = new EncryptionVerdict(List.of(), false, CheckReport.failsPolicy(policy, now));
        analyzer.flow.ConnectionListenerFactory connections = verdict.wrap((flow, frame, ts) -> NOTHING);
        byte[] record = {0x16, 3, 3, 0, 4, 2, 0, 0, 0};
        for (int i = 1; i <= EncryptionVerdict.MAX_LISTED + 2; i++) {
            // the last two: TLS 1.0 (fails intermediate), then TLS 1.3 (passes)
            int version = i == EncryptionVerdict.MAX_LISTED + 1 ? 0x0301 : 0x0304;
            int suite = version == 0x0301 ? 0x002f : 0x1301;
            ConnectionListener c = connections.open(SampleEvents.flow(i), 1, 0);
            c.onData(Direction.SERVER_TO_CLIENT, record, 0, record.length, 2, 0);
            verdict.accept(new TlsRecordSeen(SampleEvents.flow(i), Direction.SERVER_TO_CLIENT, 0, Frames.of(2),
                    TlsRecordSeen.HANDSHAKE, 0x0303, 4,
                    List.of(new TlsHandshake.ServerHello(0x0303, version, suite, null)), null, false));
            c.onClose(ConnectionListener.CloseReason.FIN, 3, 0);
        }
        CheckReport report = CheckReport.of(new CheckReport.Inputs("test", verdict, null, null, null, policy,
                java.util.Set.of(), null, 0, now));
        assertEquals(EncryptionVerdict.MAX_LISTED, report.connections().size());
        assertEquals(1, report.count(CheckReport.Judgement.WEAK_TLS));
        assertEquals(EncryptionVerdict.MAX_LISTED + 1, report.count(CheckReport.Judgement.ENCRYPTED));
        assertEquals(EncryptionVerdict.MAX_LISTED + 2, report.judged());
        assertEquals(Verdict.WEAK_TLS, report.verdict());
        assertEquals(Verdict.WEAK_TLS, verdict.verdict(), "the traffic's own verdict applies the policy too");
        String shown = CheckTextReport.render(report, Style.PLAIN, List.of());
        assertTrue(shown.contains("… and 2 more connections with data, counted below but not listed"), shown);
        assertTrue(shown.contains("1 of 10002 connections outside"), shown);
    }

    /** Feeds one connection's bytes through the real dissector into a verdict, 7 bytes per frame. */
    private static String judge(String client, byte[] server, String... secrets) {
        EncryptionVerdict verdict = new EncryptionVerdict(List.of(secrets));
        ConnectionListener c = verdict.wrap(new Dissector(verdict, DissectorOptions.defaults()))
                .open(SampleEvents.flow(1), 1, 0);
        long frame = 1;
        byte[] request = client.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < request.length; i += 7) {
            c.onData(Direction.CLIENT_TO_SERVER, request, i, Math.min(7, request.length - i), ++frame, 0);
        }
        for (int i = 0; i < server.length; i += 7) {
            c.onData(Direction.SERVER_TO_CLIENT, server, i, Math.min(7, server.length - i), ++frame, 0);
        }
        c.onClose(ConnectionListener.CloseReason.FIN, ++frame, 0);
        assertEquals(Verdict.NOT_ENCRYPTED, verdict.verdict());
        // Lines wrapped at 80 columns joined again, so the evidence reads as one line.
        return text(verdict).replaceAll("\n {4,}", " ");
    }

    /** The check's text report on a verdict alone. */
    static String text(EncryptionVerdict verdict) {
        return CheckTextReport.render(CheckReport.of(new CheckReport.Inputs("test", verdict, null, null, null, null,
                java.util.Set.of(), null, 0, java.time.Instant.now())), Style.PLAIN, List.of());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aSecretSplitAcrossChunksOfAChunkedBodyIsFound() {
        String text = judge("GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nfluf\r\n7\r\nfy tail\r\n0\r\n\r\n"),
                "fluffy tail");
        assertTrue(text.contains("\"fluffy tail\" in the response body (de-chunked)  (frame"), text);
    }

    @Test
    void aSecretUrlEncodedInAQueryIsFound() {
        String text = judge("GET /search?q=fluffy%20tail HTTP/1.1\r\nHost: a\r\n\r\n",
                ascii("HTTP/1.1 204 No Content\r\n\r\n"), "fluffy tail");
        assertTrue(text.contains("GET /search?…  \"fluffy tail\" in the URL (URL-decoded)"), text);
        assertFalse(text.contains("fluffy%20tail"), "the query string is masked: " + text);
    }

    @Test
    void aSecretInAGzipBodyIsFound() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(ascii("the secret is fluffy tail"));
        }
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.write(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.size()
                + "\r\n\r\n"));
        response.write(gz.toByteArray());
        String text = judge("GET / HTTP/1.1\r\nHost: a\r\n\r\n", response.toByteArray(), "fluffy tail");
        assertTrue(text.contains("\"fluffy tail\" in the response body (gzip)"), text);
    }

    @Test
    void aSecretInBase64IsFound() {
        String body = "data=" + Base64.getEncoder().encodeToString(ascii("note: fluffy tail"));
        String text = judge("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body, ascii("HTTP/1.1 204 No Content\r\n\r\n"), "fluffy tail");
        assertTrue(text.contains("POST /upload  \"fluffy tail\" in the request body (base64-decoded)"), text);
    }

    @Test
    void aTokenInAQueryStringIsFlaggedAndMasked() {
        String text = judge("GET /api/items?access_token=tok_5e8a9f01&page=2 HTTP/1.1\r\nHost: a\r\n\r\n",
                ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]"));
        assertTrue(text.contains("credentials   GET /api/items?…  access_token=tok_… in the URL"), text);
        assertFalse(text.contains("5e8a9f01"), text);
    }
}
