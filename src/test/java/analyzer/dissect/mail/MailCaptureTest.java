package analyzer.dissect.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.capture.TcpdumpRecording;
import analyzer.capture.Tshark;
import analyzer.cli.CommandRun;
import analyzer.workshop.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's smtplib, imaplib, poplib and ftplib against small local servers, recorded by tcpdump: each protocol
 * twice in one capture — a login in clear (connection #1) and a login after the upgrade to TLS (#2). What `read`
 * shows is compared with what the client sent and with tshark's decoding of the same file; `check` fails on the
 * first and finds the second encrypted, saying where it upgraded and what crossed before.
 */
@Timeout(180)
class MailCaptureTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "hunter2-wonderland";

    @TempDir
    Path dir;

    /** The capture, and the frame-by-frame text `read` printed. */
    private record Recorded(Path pcap, int port, String text) {
    }

    private Recorded record(String mode, List<List<String>> clientArgs) throws Exception {
        Path[] certAndKey = PeerScripts.selfSignedCertificate(dir);
        Path pcap = dir.resolve(mode + ".pcap");
        int port;
        try (PeerScripts.Server server = PeerScripts.server(dir, "mail_server.py", mode, certAndKey[0].toString(),
                certAndKey[1].toString())) {
            port = server.port();
            try (TcpdumpRecording recording = TcpdumpRecording.start(pcap, "tcp port " + port)) {
                for (List<String> extra : clientArgs) {
                    List<String> args = new ArrayList<>(List.of(mode, String.valueOf(port), USER, PASSWORD));
                    args.addAll(extra);
                    ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(30),
                            PeerScripts.python(dir, "mail_client.py", args.toArray(String[]::new)));
                    assertTrue(r.output().contains("done"), mode + " client failed: " + r.output()
                            + server.process().stderr());
                }
                recording.stop();
            }
        }
        CommandRun read = CommandRun.of("read", pcap.toString(), "--color", "never");
        assertEquals(0, read.code(), read.err());
        return new Recorded(pcap, port, read.out());
    }

    private static CommandRun check(Recorded r) {
        return CommandRun.of("check", "--read", r.pcap().toString(), "--color", "never");
    }

    @Test
    void smtpAuthInClearIsFlaggedAndTheUpgradedSessionIsEncrypted() throws Exception {
        Recorded r = record("smtp", List.of(List.of(), List.of("--auth=LOGIN"), List.of("--tls")));
        String text = r.text();
        assertTrue(text.contains("SMTP  220 mail.example ESMTP ready"), text);
        assertTrue(text.contains("SMTP  ehlo client.example"), text); // smtplib writes its commands in lower case
        assertTrue(text.contains("SMTP  upgrade to TLS offered (STARTTLS in the EHLO reply)"), text);
        assertTrue(text.contains("SMTP  AUTH PLAIN  user alice  password hunt…"), text);
        assertTrue(text.contains("SMTP  AUTH LOGIN  user alice  password hunt…"), text);
        assertTrue(text.contains("⚠ credentials in clear"), text);
        assertTrue(text.contains("SMTP  message: 3 lines"), text);
        assertFalse(text.contains(PASSWORD), "masked by default: " + text);
        assertTrue(text.contains("SMTP  upgrade to TLS requested (STARTTLS)"), text);
        assertTrue(text.contains("SMTP  upgrade to TLS accepted: what follows is TLS"), text);
        assertTrue(text.contains("#3  127.0.0.1:"), text);
        assertTrue(text.matches("(?s).*#3 [^\\n]*TLS  handshake  ClientHello.*"), text);

        CommandRun shown = CommandRun.of("read", r.pcap().toString(), "--color", "never", "--show-secrets");
        assertTrue(shown.out().contains("SMTP  AUTH PLAIN  user alice  password " + PASSWORD), shown.out());

        // tshark, told the port is SMTP, picks out the same AUTH LOGIN user and password (left in base64) from the file.
        List<String> tshark = Tshark.fields(r.pcap(), List.of("tcp.port==" + r.port() + ",smtp"),
                "smtp.auth.username || smtp.auth.password", "smtp.auth.username", "smtp.auth.password");
        List<String> decoded = new ArrayList<>();
        for (String line : tshark) {
            for (String field : line.split("\t")) {
                if (!field.isBlank()) {
                    decoded.add(new String(java.util.Base64.getDecoder().decode(field.strip()),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals(List.of(USER, PASSWORD), decoded, "tshark: " + tshark);

        CommandRun check = check(r);
        assertEquals(1, check.code(), check.out());
        String out = check.out();
        assertTrue(out.contains("READABLE   #1"), out);
        assertTrue(out.contains("credentials   SMTP AUTH PLAIN  user alice  password hunt…"), out);
        assertTrue(out.contains("credentials   SMTP AUTH LOGIN  user alice  password hunt…"), out);
        assertTrue(joined(out).matches("(?s).*ENCRYPTED  #3 [^\\n]*SMTP upgraded to TLS at frame \\d+; before that only the"
                + " banner and EHLO; then TLS 1.3.*"), out);
        assertTrue(out.contains("starttls      offered (STARTTLS in the EHLO reply) and not taken"), out);
    }

    @Test
    void imapLoginInClearIsFlaggedAndTheUpgradedSessionIsEncrypted() throws Exception {
        Recorded r = record("imap", List.of(List.of(), List.of("--tls"), List.of("--auth=PLAIN")));
        String text = r.text();
        assertTrue(text.contains("IMAP  * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready"), text);
        assertTrue(text.contains("IMAP  LOGIN  user alice  password hunt…"), text);
        assertTrue(text.contains("IMAP  upgrade to TLS accepted: what follows is TLS"), text);
        assertTrue(text.matches("(?s).*#3 [^\\n]*IMAP  AUTHENTICATE PLAIN  user alice  password hunt….*"), text);
        List<String> tshark = Tshark.fields(r.pcap(), List.of("tcp.port==" + r.port() + ",imap"),
                "imap.request.username", "imap.request.username", "imap.request.password");
        assertEquals(List.of(USER + "\t" + PASSWORD), tshark);
        // tshark leaves AUTHENTICATE's response in base64 (the line after the server's "+").
        List<String> sasl = Tshark.fields(r.pcap(), List.of("tcp.port==" + r.port() + ",imap"),
                "imap.request && !imap.request.command", "imap.request");
        assertEquals(List.of("\0" + USER + "\0" + PASSWORD), sasl.stream().map(b -> new String(
                java.util.Base64.getDecoder().decode(b.strip()), java.nio.charset.StandardCharsets.UTF_8)).toList());
        CommandRun check = check(r);
        assertEquals(1, check.code(), check.out());
        assertTrue(check.out().contains("credentials   IMAP LOGIN  user alice  password hunt…"), check.out());
        assertTrue(joined(check.out()).contains("credentials   IMAP AUTHENTICATE PLAIN  user alice  password hunt…"),
                check.out());
        assertTrue(joined(check.out()).matches("(?s).*ENCRYPTED  #2 [^\\n]*IMAP upgraded to TLS at frame \\d+; before that"
                + " only the banner and CAPABILITY; then TLS.*"), check.out());
    }

    @Test
    void pop3UserPassInClearIsFlaggedAndTheUpgradedSessionIsEncrypted() throws Exception {
        Recorded r = record("pop3", List.of(List.of(), List.of("--tls")));
        String text = r.text();
        assertTrue(text.contains("POP3  +OK POP3 ready"), text);
        assertTrue(text.contains("POP3  upgrade to TLS offered (STLS in the CAPA reply)"), text);
        assertTrue(text.contains("POP3  USER/PASS  user alice  password hunt…"), text);
        assertTrue(text.contains("POP3  upgrade to TLS accepted: what follows is TLS"), text);
        List<String> tshark = Tshark.fields(r.pcap(), List.of("tcp.port==" + r.port() + ",pop"),
                "pop.request.command == \"PASS\"", "pop.request.parameter");
        assertEquals(List.of(PASSWORD), tshark);
        CommandRun check = check(r);
        assertEquals(1, check.code(), check.out());
        assertTrue(check.out().contains("credentials   POP3 USER/PASS  user alice  password hunt…"), check.out());
        assertTrue(joined(check.out()).matches("(?s).*ENCRYPTED  #2 [^\\n]*POP3 upgraded to TLS at frame \\d+; before that"
                + " only the banner and CAPA; then TLS.*"), check.out());
    }

    @Test
    void ftpUserPassInClearIsFlaggedAndAuthTlsSessionIsEncrypted() throws Exception {
        Recorded r = record("ftp", List.of(List.of(), List.of("--tls")));
        String text = r.text();
        assertTrue(text.contains("FTP  220 FTP server ready"), text);
        assertTrue(text.contains("FTP  USER alice"), text);
        assertTrue(text.contains("FTP  USER/PASS  user alice  password hunt…"), text);
        assertEquals(1, text.split("FTP  upgrade to TLS offered \\(AUTH TLS in the FEAT reply\\)", -1).length - 1,
                "offered once, by FEAT (not again by the 234 that accepts): " + text);
        assertTrue(text.contains("FTP  upgrade to TLS requested (AUTH TLS)"), text);
        assertTrue(text.contains("FTP  upgrade to TLS accepted: what follows is TLS"), text);
        List<String> tshark = Tshark.fields(r.pcap(), List.of("tcp.port==" + r.port() + ",ftp"),
                "ftp.request.command == \"PASS\"", "ftp.request.arg");
        assertEquals(List.of(PASSWORD), tshark);
        CommandRun check = check(r);
        assertEquals(1, check.code(), check.out());
        assertTrue(check.out().contains("credentials   FTP USER/PASS  user alice  password hunt…"), check.out());
        assertTrue(joined(check.out()).matches("(?s).*ENCRYPTED  #2 [^\\n]*FTP upgraded to TLS at frame \\d+; before that"
                + " only the banner and FEAT; then TLS.*"), check.out());
    }

    /** check's text with its wrapped lines (80 columns, summary under the connection) joined back into one. */
    private static String joined(String out) {
        return out.replaceAll("\\n {4,}", " ");
    }
}
