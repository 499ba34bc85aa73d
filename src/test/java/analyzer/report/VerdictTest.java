package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.report.EncryptionVerdict.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
        assertTrue(VerdictPrinter.text(text, "test", Style.PLAIN).contains("\"USER alice\"  (frame 3)"),
                VerdictPrinter.text(text, "test", Style.PLAIN));
    }
}
