package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.pki.ForgedCertificateAuthority;
import analyzer.report.Leaks;
import analyzer.workshop.ClientFailure;
import analyzer.workshop.Member;
import analyzer.workshop.SecretClient;
import analyzer.workshop.SecretClientConfig;
import analyzer.workshop.SecretServer;
import analyzer.workshop.SecretServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The workshop's own secret server and client with the proxy between them, as the demo runs them. */
@Timeout(60)
@ExtendWith(NettyLeaks.class)
class WorkshopThroughProxyTest {

    private static final TamperRules SQUIRREL = TamperRules.replaceInResponses(
            BodyReplacement.parse("fluffy tail=>squirrel party"));

    @TempDir
    Path dir;

    @Test
    void overHttpTheSecretAndTheLoginAreReadAndTheAnswerIsRewritten() throws Exception {
        Recorder recorder = new Recorder();
        try (SecretServer server = SecretServer.start(SecretServerConfig.defaults().withPort(0), SecretServer.Listener.NONE);
             InterceptingProxy proxy = InterceptingProxy.start(ProxyConfig.reverse(
                     new InetSocketAddress("127.0.0.1", 0), new HostAndPort("127.0.0.1", server.address().getPort()))
                     .withRules(SQUIRREL), recorder);
             SecretClient client = SecretClient.create(SecretClientConfig.system())) {
            URI url = URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/");
            assertEquals("squirrel party", client.secret(url).strip());
            Member member = Member.DEMO.get(0);
            client.login(url.resolve("/login"), member.username(), member.password());
            recorder.await(HttpResponseSeen.class, 1, r -> "/".equals(r.requestUri())
                    && new String(r.body().shown(), java.nio.charset.StandardCharsets.UTF_8).contains("fluffy tail"));
            HttpRequestSeen login = recorder.await(HttpRequestSeen.class, 1, r -> r.uri().equals("/login")).get(0);
            assertTrue(Leaks.of(login).stream().anyMatch(l -> l.kind() == Leaks.Kind.CREDENTIALS), login.toString());
            HttpResponseSeen session = recorder.await(HttpResponseSeen.class, 1,
                    r -> "/login".equals(r.requestUri())).get(0);
            assertTrue(Leaks.of(session).stream().anyMatch(l -> l.kind() == Leaks.Kind.SESSION), session.toString());
        }
    }

    @Test
    void overHttpsThePinnedClientRefusesTheForgeryAndTheCarelessOneIsFooled() throws Exception {
        TestUpstream.Pki pki = new TestUpstream.Pki(dir);
        SecretServerConfig.TlsIdentity identity = new SecretServerConfig.TlsIdentity(pki.server.privateKey(),
                List.of(pki.server.certificate(), pki.ca.certificate()));
        Recorder recorder = new Recorder();
        try (SecretServer server = SecretServer.start(SecretServerConfig.defaults().withPort(0).withTls(identity),
                SecretServer.Listener.NONE);
             InterceptingProxy proxy = InterceptingProxy.start(ProxyConfig.reverse(
                     new InetSocketAddress("127.0.0.1", 0), new HostAndPort("localhost", server.address().getPort()))
                     .withIntercept(ForgedCertificateAuthority.loadOrCreate(dir.resolve("mitm")),
                             UpstreamTrust.pinned(pki.caPem)).withRules(SQUIRREL), recorder)) {
            URI url = URI.create("https://localhost:" + proxy.address().getPort() + "/");
            try (SecretClient pinned = SecretClient.create(SecretClientConfig.pinned(List.of(pki.ca.certificate())))) {
                ClientFailure failure = assertThrows(ClientFailure.class, () -> pinned.secret(url));
                assertEquals(ClientFailure.Kind.CERTIFICATE_UNTRUSTED, failure.kind(), failure.getMessage());
            }
            ForgeryRejected rejected = recorder.awaitOne(ForgeryRejected.class);
            assertTrue(rejected.certificateRejected(), rejected.toString());
            assertEquals("localhost", rejected.host());
            assertTrue(recorder.all(HttpRequestSeen.class).isEmpty(), recorder.describe());

            try (SecretClient careless = SecretClient.create(SecretClientConfig.insecure())) {
                assertEquals("squirrel party", careless.secret(url).strip());
            }
            assertEquals("localhost", recorder.awaitOne(ForgeryAccepted.class).host());
            recorder.await(Tampering.class, 1, t -> t.after().equals("squirrel party"));
        }
    }
}
