package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.Direction;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whole handshakes between the JDK's own TLS client and server, in memory, fed through the dissector. */
@Timeout(60)
class RealTlsHandshakeTest {

    private static SSLContext serverContext;
    private static SSLContext clientContext;

    @BeforeAll
    static void certificates() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        long now = System.currentTimeMillis();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=localhost"), BigInteger.ONE, new Date(now - 60_000), new Date(now + 86_400_000L),
                new X500Name("CN=localhost"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        char[] password = "changeit".toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("server", keys.getPrivate(), password, new java.security.cert.Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, password);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    @Test
    void tls13HandshakeAndSecretAreUnreadable() throws Exception {
        Conversation c = handshakeAndSecret("TLSv1.3");
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        TlsHandshake.ServerHello hello = serverHello(records);
        assertEquals(0x0304, hello.selectedVersion());
        assertTrue(TlsNames.cipherSuite(hello.cipherSuite()).startsWith("TLS_"), TlsNames.cipherSuite(hello.cipherSuite()));
        // after the ServerHello everything but the compatibility ChangeCipherSpec is application_data
        assertTrue(records.stream().filter(r -> r.contentType() == TlsRecordSeen.APPLICATION_DATA)
                .allMatch(TlsRecordSeen::encrypted));
        assertTrue(records.stream().noneMatch(r -> r.handshakes().stream()
                .anyMatch(h -> h instanceof TlsHandshake.Certificates)), "TLS 1.3 certificates are encrypted");
        assertNoSecretAnywhere(c);
        assertTrue(c.all(RawDataSeen.class).isEmpty(), c.describeAll());
    }

    @Test
    void tls12HandshakeShowsTheCertificateThenEncrypts() throws Exception {
        Conversation c = handshakeAndSecret("TLSv1.2");
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        assertEquals(0x0303, serverHello(records).selectedVersion());
        TlsHandshake.Certificates certificates = records.stream().flatMap(r -> r.handshakes().stream())
                .filter(h -> h instanceof TlsHandshake.Certificates).map(h -> (TlsHandshake.Certificates) h)
                .findFirst().orElseThrow(() -> new AssertionError(c.describeAll()));
        assertEquals("CN=localhost", certificates.chain().get(0).subject());
        // each side's Finished follows its ChangeCipherSpec and is encrypted
        for (Direction d : Direction.values()) {
            List<TlsRecordSeen> side = records.stream().filter(r -> r.direction() == d).toList();
            int ccs = -1;
            for (int i = 0; i < side.size(); i++) {
                if (side.get(i).contentType() == TlsRecordSeen.CHANGE_CIPHER_SPEC) {
                    ccs = i;
                }
            }
            assertTrue(ccs >= 0 && ccs + 1 < side.size(), c.describeAll());
            TlsRecordSeen finished = side.get(ccs + 1);
            assertEquals(TlsRecordSeen.HANDSHAKE, finished.contentType());
            assertTrue(finished.encrypted());
            assertTrue(finished.handshakes().isEmpty());
        }
        assertNoSecretAnywhere(c);
    }

    private static TlsHandshake.ServerHello serverHello(List<TlsRecordSeen> records) {
        return records.stream().filter(r -> r.direction() == Direction.SERVER_TO_CLIENT)
                .flatMap(r -> r.handshakes().stream()).filter(h -> h instanceof TlsHandshake.ServerHello)
                .map(h -> (TlsHandshake.ServerHello) h).findFirst().orElseThrow();
    }

    private static void assertNoSecretAnywhere(Conversation c) {
        assertFalse(c.describeAll().contains("fluffy"), c.describeAll());
        List<TlsRecordSeen> appData = c.all(TlsRecordSeen.class).stream()
                .filter(r -> r.contentType() == TlsRecordSeen.APPLICATION_DATA).toList();
        assertFalse(appData.isEmpty());
        assertTrue(c.all(HttpResponseSeen.class).isEmpty());
    }

    private static Conversation handshakeAndSecret(String protocol) throws Exception {
        SSLEngine client = clientContext.createSSLEngine("localhost", 5683);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {protocol});
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        Conversation c = new Conversation();
        ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
        ByteBuffer nothing = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 50 && !(done(client) && done(server)); i++) {
            step(client, toClient, toServer, c, Direction.CLIENT_TO_SERVER, nothing);
            step(server, toServer, toClient, c, Direction.SERVER_TO_CLIENT, nothing);
        }
        assertTrue(done(client) && done(server), "handshake did not finish: " + client.getHandshakeStatus() + " "
                + server.getHandshakeStatus() + "\n" + c.describeAll());
        step(client, toClient, toServer, c, Direction.CLIENT_TO_SERVER,
                ByteBuffer.wrap("GET /secret HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        step(server, toServer, toClient, c, Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nfluffy tail".getBytes(StandardCharsets.US_ASCII)));
        c.close();
        return c;
    }

    private static boolean done(SSLEngine engine) {
        SSLEngineResult.HandshakeStatus s = engine.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /**
     * One turn of one engine: it reads what reached it so far, then everything it wants to send goes on the wire
     * (the conversation) and into the peer's inbox.
     */
    private static void step(SSLEngine engine, ByteBuffer inbox, ByteBuffer peerInbox, Conversation c,
                             Direction direction, ByteBuffer app) throws Exception {
        inbox.flip();
        ByteBuffer plain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() + 1024);
        while (inbox.hasRemaining()) {
            SSLEngineResult r = engine.unwrap(inbox, plain);
            runTasks(engine);
            if (r.bytesConsumed() == 0) {
                break;
            }
        }
        inbox.compact();
        for (int i = 0; i < 20; i++) {
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult result = engine.wrap(app, net);
            runTasks(engine);
            if (result.bytesProduced() == 0) {
                break;
            }
            byte[] bytes = Arrays.copyOf(net.array(), net.position());
            c.send(direction, bytes);
            peerInbox.put(bytes);
        }
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
