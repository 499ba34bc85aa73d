package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.session.CredentialSeen;
import analyzer.dissect.session.ProtocolTextSeen;
import analyzer.dissect.session.StartTlsSeen;
import analyzer.workshop.ExternalCommand;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Protocols whose server speaks first, through the reverse proxy: Python's smtplib, imaplib, poplib and ftplib
 * wait for the greeting before they say anything, so the proxy must connect upstream without their first bytes.
 * Each session completes, and the proxy's eavesdropper reads its commands and its login, as it does on the wire.
 */
@Timeout(240)
class ServerFirstThroughProxyTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final String USER = "alice";
    private static final String PASSWORD = "hunter2-wonderland";

    @TempDir
    Path dir;
    private final Recorder recorder = new Recorder();
    private InterceptingProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void smtpThroughTheProxyCompletesOnEveryTransportAndItsLoginIsRead(IoTransport kind) throws Exception {
        if (kind == IoTransport.IO_URING && !IoUring.isAvailable() || kind == IoTransport.EPOLL && !Epoll.isAvailable()) {
            return; // ProxyHttpTest checks that an unavailable transport is refused plainly
        }
        try (PeerScripts.Server smtp = mailServer("smtp")) {
            proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, new HostAndPort("127.0.0.1", smtp.port()))
                    .withTransport(kind), recorder);
            runClient("smtp", smtp);
        }
        CredentialSeen login = recorder.awaitOne(CredentialSeen.class);
        assertEquals("SMTP", login.protocol());
        assertEquals("AUTH PLAIN", login.mechanism());
        assertEquals(USER, login.user());
        assertEquals(PASSWORD, login.secret());
        List<String> lines = linesSeen("SMTP");
        assertTrue(lines.contains("220 mail.example ESMTP ready"), lines.toString());
        assertTrue(lines.contains("ehlo client.example"), lines.toString());
        assertTrue(lines.contains("QUIT") || lines.contains("quit"), lines.toString());
    }

    @Test
    void imapPop3FtpAndAnSmtpUpgradeToTlsGoThroughToo() throws Exception {
        for (String mode : List.of("imap", "pop3", "ftp")) {
            try (PeerScripts.Server server = mailServer(mode)) {
                proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT,
                        new HostAndPort("127.0.0.1", server.port())), recorder);
                runClient(mode, server);
            }
            String protocol = mode.toUpperCase(java.util.Locale.ROOT);
            recorder.await(CredentialSeen.class, 1, c -> c.protocol().equals(protocol) && USER.equals(c.user())
                    && PASSWORD.equals(c.secret()));
            proxy.close();
            proxy = null;
        }
        try (PeerScripts.Server smtp = mailServer("smtp")) {
            proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, new HostAndPort("127.0.0.1", smtp.port())),
                    recorder);
            runClient("smtp", smtp, "--tls");
        }
        recorder.await(StartTlsSeen.class, 1, s -> s.step() == StartTlsSeen.Step.ACCEPTED);
        recorder.await(TlsRecordSeen.class, 1, r -> r.contentType() == TlsRecordSeen.HANDSHAKE);
        assertTrue(recorder.all(CredentialSeen.class).stream().noneMatch(c -> c.protocol().equals("SMTP")),
                "the login after STARTTLS is inside TLS, which a passthrough proxy cannot read");
    }

    private PeerScripts.Server mailServer(String mode) throws Exception {
        Path[] certAndKey = dir.resolve("cert.pem").toFile().exists()
                ? new Path[] {dir.resolve("cert.pem"), dir.resolve("key.pem")} : PeerScripts.selfSignedCertificate(dir);
        return PeerScripts.server(dir, "mail_server.py", mode, certAndKey[0].toString(), certAndKey[1].toString());
    }

    private void runClient(String mode, PeerScripts.Server server, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(mode, String.valueOf(proxy.address().getPort()), USER, PASSWORD));
        args.addAll(List.of(extra));
        ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(60),
                PeerScripts.python(dir, "mail_client.py", args.toArray(String[]::new)));
        assertTrue(r.output().contains("done"), mode + " through the proxy failed: " + r.output()
                + server.process().stderr() + recorder.describe());
    }

    private List<String> linesSeen(String protocol) {
        return recorder.all(ProtocolTextSeen.class).stream().filter(t -> t.protocol().equals(protocol))
                .flatMap(t -> t.lines().stream()).toList();
    }
}
