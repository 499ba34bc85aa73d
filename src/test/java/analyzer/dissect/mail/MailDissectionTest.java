package analyzer.dissect.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Event;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.session.CredentialSeen;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.dissect.session.ProtocolTextSeen;
import analyzer.dissect.session.StartTlsSeen;
import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sessions built byte by byte: the cases real clients rarely produce, and input that must stay bounded. */
class MailDissectionTest {

    private final List<Event> events = new ArrayList<>();
    private final ConnectionListener connection;
    private long frame;

    MailDissectionTest() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        Flow flow = new Flow(1, new Endpoint(lo, 50000), new Endpoint(lo, 2525));
        connection = new Dissector(events::add, DissectorOptions.defaults()).open(flow, 1, 0);
    }

    private MailDissectionTest server(String text) {
        return send(Direction.SERVER_TO_CLIENT, text.getBytes(StandardCharsets.UTF_8));
    }

    private MailDissectionTest client(String text) {
        return send(Direction.CLIENT_TO_SERVER, text.getBytes(StandardCharsets.UTF_8));
    }

    private MailDissectionTest send(Direction d, byte[] bytes) {
        frame++;
        connection.onData(d, bytes, 0, bytes.length, frame, frame * 1000);
        return this;
    }

    private <T> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void smtpAuthPlainInTwoStepsAndStartTlsRefused() {
        String plain = Base64.getEncoder().encodeToString("\0bob\0hazelnuts".getBytes(StandardCharsets.UTF_8));
        server("220 relay ready\r\n").client("EHLO me\r\n").server("250-relay\r\n250 STARTTLS\r\n")
                .client("STARTTLS\r\n").server("454 TLS not available\r\n")
                .client("AUTH PLAIN\r\n").server("334 \r\n").client(plain + "\r\n").server("235 ok\r\n");
        assertEquals("SMTP", of(ProtocolTextSeen.class).get(0).protocol(), "a 220 greeting, then EHLO: SMTP");
        List<StartTlsSeen> steps = of(StartTlsSeen.class);
        assertEquals(List.of(StartTlsSeen.Step.OFFERED, StartTlsSeen.Step.REQUESTED, StartTlsSeen.Step.REFUSED),
                steps.stream().map(StartTlsSeen::step).toList());
        CredentialSeen login = of(CredentialSeen.class).get(0);
        assertEquals("AUTH PLAIN", login.mechanism());
        assertEquals("bob", login.user());
        assertEquals("hazelnuts", login.secret());
        assertEquals(8, login.frames().first());
    }

    @Test
    void afterTheUpgradeBothDirectionsAreTls() {
        server("220 relay ESMTP\r\n").client("EHLO me\r\n").server("250 STARTTLS\r\n").client("STARTTLS\r\n")
                .server("220 go ahead\r\n");
        send(Direction.CLIENT_TO_SERVER, new byte[] {22, 3, 1, 0, 4, 1, 0, 0, 0});
        send(Direction.SERVER_TO_CLIENT, new byte[] {21, 3, 3, 0, 2, 2, 40});
        assertEquals(StartTlsSeen.Step.ACCEPTED, of(StartTlsSeen.class).get(of(StartTlsSeen.class).size() - 1).step());
        assertEquals(2, of(TlsRecordSeen.class).size(), events.toString());
    }

    @Test
    void ftpAuthTlsIsOfferedOnlyByTheFeatReplyNotByTheAcceptance() {
        server("220 FTP ready\r\n").client("FEAT\r\n").server("211-Features:\r\n AUTH TLS\r\n UTF8\r\n211 End\r\n")
                .client("AUTH TLS\r\n").server("234 AUTH TLS successful\r\n");
        assertEquals(List.of(StartTlsSeen.Step.OFFERED, StartTlsSeen.Step.REQUESTED, StartTlsSeen.Step.ACCEPTED),
                of(StartTlsSeen.class).stream().map(StartTlsSeen::step).toList(), events.toString());
        assertEquals("AUTH TLS in the FEAT reply", of(StartTlsSeen.class).get(0).detail());
        assertEquals(3, of(StartTlsSeen.class).get(0).frames().first());
    }

    @Test
    void imapLoginWithQuotedAndLiteralArguments() {
        server("* OK ready\r\n").client("a1 LOGIN \"al ice\" {9}\r\n").server("+ go on\r\n")
                .client("won\"der\\l\r\n").server("a1 OK done\r\n");
        CredentialSeen login = of(CredentialSeen.class).get(0);
        assertEquals("IMAP", login.protocol());
        assertEquals("al ice", login.user());
        assertEquals("won\"der\\l", login.secret());
    }

    @Test
    void anEndlessBannerIsBoundedAndReportedOnce() {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        server("220-");
        for (int i = 0; i < 256; i++) { // 16 MiB without a line end
            send(Direction.SERVER_TO_CLIENT, chunk);
        }
        server("\r\n220 ready at last\r\n");
        List<ProtocolMalformed> malformed = of(ProtocolMalformed.class);
        assertEquals(1, malformed.size(), events.toString());
        assertTrue(malformed.get(0).reason().contains("longer than 8192 bytes"), malformed.get(0).reason());
    }
}
