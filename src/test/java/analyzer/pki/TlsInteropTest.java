package analyzer.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The files this package writes work where they are used: Netty's JDK TLS serves them (encrypted key included)
 * and a client pinning the CA accepts them; OpenSSL verifies the chain. Handshakes run in memory, no sockets.
 */
class TlsInteropTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void nettyServesOurEncryptedKeyAndAPinnedClientAcceptsIt(KeyType type) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(CertificateAuthorityTest.SQUIRRELS, type, Duration.ofDays(30));
        IssuedCertificate server = ca.issueServerCertificate(SubjectName.of("localhost"),
                List.of("DNS:localhost", "IP:127.0.0.1"), type, Duration.ofDays(30));
        Path caFile = dir.resolve("ca-public-key.pem");
        Path certFile = dir.resolve("server-public-key.pem");
        Path keyFile = dir.resolve("server-private-key.pem");
        Pem.writeCertificates(caFile, ca.certificate());
        Pem.writeCertificates(certFile, server.certificate());
        Pem.writePrivateKey(keyFile, server.privateKey(), "serverpassword".toCharArray());

        SslContext serverContext = SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile(), "serverpassword")
                .sslProvider(SslProvider.JDK).build();
        SslContext pinned = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(caFile.toFile()).build();
        X509Certificate seen = handshake(serverContext, pinned, "localhost");
        assertEquals(server.certificate(), seen);

        // A CA nobody pinned: the same client refuses the same kind of certificate.
        CertificateAuthority stranger = CertificateAuthority.create(SubjectName.of("Stranger CA"), type, Duration.ofDays(1));
        IssuedCertificate forged = stranger.issueServerCertificate(SubjectName.of("localhost"), List.of("DNS:localhost"),
                type, Duration.ofDays(1));
        SslContext strangerServer = SslContextBuilder.forServer(forged.privateKey(), forged.certificate())
                .sslProvider(SslProvider.JDK).build();
        assertThrows(SSLException.class, () -> handshake(strangerServer, pinned, "localhost"));
    }

    @Test
    void forgedLeavesServeTlsToAClientTrustingTheForgingCa() throws Exception {
        ForgedCertificateAuthority forger = ForgedCertificateAuthority.loadOrCreate(dir.resolve("mitm"));
        ForgedLeaf leaf = forger.leafFor("localhost");
        SslContext serverContext = SslContextBuilder.forServer(leaf.privateKey(), leaf.chain()).sslProvider(SslProvider.JDK).build();
        SslContext trusting = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(forger.caCertificate()).build();
        assertEquals(leaf.certificate(), handshake(serverContext, trusting, "localhost"));
    }

    @Test
    void opensslVerifiesTheChainAndSeesTheNames() throws Exception {
        OpenSsl.require();
        CertificateAuthority ca = CertificateAuthority.create(CertificateAuthorityTest.SQUIRRELS, KeyType.RSA, Duration.ofDays(30));
        IssuedCertificate server = ca.issueServerCertificate(SubjectName.of("localhost"),
                SubjectAltNames.parse("DNS:localhost,IP:127.0.0.1,IP:::1"), KeyType.RSA, Duration.ofDays(30));
        Path caFile = dir.resolve("ca.pem");
        Path certFile = dir.resolve("server.pem");
        Pem.writeCertificates(caFile, ca.certificate());
        Pem.writeCertificates(certFile, server.certificate());
        OpenSsl.Result verify = OpenSsl.run("verify", "-CAfile", caFile.toString(), "-purpose", "sslserver",
                "-verify_hostname", "localhost", "-verify_ip", "127.0.0.1", certFile.toString());
        assertEquals(0, verify.code(), verify.output());
        assertEquals(certFile + ": OK", verify.output().strip());
        OpenSsl.Result text = OpenSsl.run("x509", "-in", certFile.toString(), "-noout", "-text");
        assertTrue(text.output().contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"), text.output());
        assertTrue(text.output().contains("TLS Web Server Authentication"), text.output());
        OpenSsl.Result caText = OpenSsl.run("x509", "-in", caFile.toString(), "-noout", "-ext", "basicConstraints,keyUsage");
        assertTrue(caText.output().contains("critical") && caText.output().contains("CA:TRUE")
                && caText.output().contains("Certificate Sign, CRL Sign"), caText.output());
    }

    /** Runs a TLS handshake between two engines in memory; returns the certificate the client was shown. */
    static X509Certificate handshake(SslContext serverContext, SslContext clientContext, String host) throws Exception {
        SSLEngine server = serverContext.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine client = clientContext.newEngine(ByteBufAllocator.DEFAULT, host, 443);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(parameters);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer sink = ByteBuffer.allocate(1 << 17);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            step(client, empty, toServer, toClient, sink);
            step(server, empty, toClient, toServer, sink);
            if (done(client) && done(server)) {
                return (X509Certificate) client.getSession().getPeerCertificates()[0];
            }
        }
        throw new AssertionError("handshake did not finish in 100 rounds");
    }

    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws SSLException {
        for (int i = 0; i < 10; i++) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                    task.run();
                }
            } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                engine.wrap(empty, out);
            } else if (status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                in.flip();
                SSLEngineResult result = engine.unwrap(in, sink);
                in.compact();
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || result.bytesConsumed() == 0) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    private static boolean done(SSLEngine engine) {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || status == SSLEngineResult.HandshakeStatus.FINISHED;
    }
}
