package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Frames;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.session.CredentialSeen;
import analyzer.dissect.session.ProtocolTextSeen;
import analyzer.dissect.session.StartTlsSeen;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import analyzer.report.EncryptionVerdict.FlowKind;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict's rules for sessions that start in clear, from events alone. */
class SessionUpgradeTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final Flow FLOW = new Flow(1, new Endpoint(LO, 50000), new Endpoint(LO, 25));

    private final EncryptionVerdict verdict = new EncryptionVerdict(List.of(), false);

    private void text(Direction d, long frame, String line, boolean negotiation) {
        verdict.accept(new ProtocolTextSeen(FLOW, d, frame, Frames.of(frame), "SMTP", List.of(line), negotiation));
    }

    private void step(long frame, StartTlsSeen.Step step, String detail) {
        verdict.accept(new StartTlsSeen(FLOW, Direction.SERVER_TO_CLIENT, frame, Frames.of(frame), "SMTP", step,
                detail));
    }

    private void tls(Flow flow, long frame) {
        verdict.accept(new TlsRecordSeen(flow, Direction.SERVER_TO_CLIENT, frame, Frames.of(frame), 22, 0x0303, 90,
                List.of(new TlsHandshake.ServerHello(0x0303, 0x0304, 0x1301, null)), null, false));
    }

    private void greetingAndEhlo() {
        text(Direction.SERVER_TO_CLIENT, 4, "220 mail.example ESMTP", true);
        text(Direction.CLIENT_TO_SERVER, 6, "EHLO me", true);
        text(Direction.SERVER_TO_CLIENT, 8, "250 STARTTLS", true);
        step(8, StartTlsSeen.Step.OFFERED, "STARTTLS in the EHLO reply");
    }

    @Test
    void upgradedBeforeAnythingElseIsEncrypted() {
        greetingAndEhlo();
        text(Direction.CLIENT_TO_SERVER, 10, "STARTTLS", true);
        step(10, StartTlsSeen.Step.REQUESTED, "STARTTLS");
        step(11, StartTlsSeen.Step.ACCEPTED, "220 go ahead");
        tls(FLOW, 13);
        assertEquals(Verdict.ENCRYPTED, verdict.verdict());
        assertTrue(verdict.flows().get(0).summary().startsWith("SMTP upgraded to TLS at frame 11; before that only"
                + " the banner and EHLO; then TLS 1.3"), verdict.flows().get(0).summary());
    }

    @Test
    void offeredAndNotTakenIsReadableWithTheEvidence() {
        greetingAndEhlo();
        text(Direction.CLIENT_TO_SERVER, 10, "MAIL FROM:<a@example>", false);
        assertEquals(Verdict.NOT_ENCRYPTED, verdict.verdict());
        EncryptionVerdict.FlowReport f = verdict.flows().get(0);
        assertEquals("plaintext SMTP (TLS was offered and not taken)", f.summary());
        assertTrue(f.findings().stream().anyMatch(x -> x.detail().equals(
                "offered (STARTTLS in the EHLO reply) and not taken")), f.findings().toString());
    }

    @Test
    void aLoginReadFromDecryptedTlsIsInsideTlsNotInClear() {
        greetingAndEhlo();
        step(11, StartTlsSeen.Step.ACCEPTED, "220 go ahead");
        tls(FLOW, 13);
        Flow decrypted = new Flow(1, FLOW.client(), FLOW.server(), Flow.Transport.TCP, true);
        verdict.accept(new CredentialSeen(decrypted, Direction.CLIENT_TO_SERVER, 15, Frames.of(15), "SMTP",
                "AUTH PLAIN", "alice", "wonderland"));
        assertEquals(Verdict.ENCRYPTED, verdict.verdict());
        EncryptionVerdict.FlowReport f = verdict.flows().get(0);
        assertEquals(FlowKind.TLS, f.kind());
        assertTrue(f.findings().stream().anyMatch(x -> x.kind().equals("inside TLS")
                && x.detail().equals("SMTP AUTH PLAIN  user alice  password wond…")), f.findings().toString());
    }
}
