package analyzer.dissect;

import static analyzer.dissect.Conversation.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.Direction;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TlsDissectionTest {

    @Test
    void clientHelloFieldsAreRead() {
        Conversation c = new Conversation().client(clientHelloRecord());
        TlsRecordSeen record = c.only(TlsRecordSeen.class);
        assertEquals(TlsRecordSeen.HANDSHAKE, record.contentType());
        assertEquals(0x0301, record.version());
        assertFalse(record.encrypted());
        assertEquals(clientHelloRecord().length - 5, record.length());
        assertEquals("1", record.frames().toString());
        TlsHandshake.ClientHello hello = (TlsHandshake.ClientHello) record.handshakes().get(0);
        assertEquals(0x0303, hello.legacyVersion());
        assertEquals("localhost", hello.serverName());
        assertEquals(List.of("h2", "http/1.1"), hello.alpn());
        assertEquals(List.of(0x0304, 0x0303), hello.supportedVersions());
        assertEquals(List.of(0x1301, 0x1302, 0xc02f), hello.cipherSuites());
    }

    @Test
    void serverHelloWithSupportedVersionsNegotiatesTls13() {
        Conversation c = new Conversation().client(clientHelloRecord()).server(serverHelloRecord(0x0304))
                .server(record(20, 0x0303, new byte[] {1}))
                .server(record(23, 0x0303, new byte[40]));
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        assertEquals(4, records.size());
        TlsHandshake.ServerHello hello = (TlsHandshake.ServerHello) records.get(1).handshakes().get(0);
        assertEquals(0x0303, hello.legacyVersion());
        assertEquals(0x0304, hello.selectedVersion());
        assertEquals("TLS 1.3", TlsNames.version(hello.selectedVersion()));
        assertEquals("TLS_AES_128_GCM_SHA256", TlsNames.cipherSuite(hello.cipherSuite()));
        assertEquals("h2", hello.alpn());
        assertFalse(records.get(2).encrypted());
        assertTrue(records.get(3).encrypted());
        assertEquals(40, records.get(3).length());
        assertTrue(records.get(3).handshakes().isEmpty());
    }

    @Test
    void fatalUnknownCaAlertIsRead() {
        Conversation c = new Conversation().client(clientHelloRecord()).server(serverHelloRecord(0x0303))
                .client(record(21, 0x0303, new byte[] {2, 48}));
        TlsRecordSeen alert = c.all(TlsRecordSeen.class).get(2);
        assertEquals(TlsRecordSeen.ALERT, alert.contentType());
        assertEquals(new TlsAlert(2, 48), alert.alert());
        assertFalse(alert.encrypted());
        assertEquals("fatal", TlsNames.alertLevel(alert.alert().level()));
        assertEquals("unknown_ca", TlsNames.alertDescription(alert.alert().description()));
    }

    @Test
    void afterChangeCipherSpecRecordsAreEncryptedInTls12() {
        Conversation c = new Conversation().client(clientHelloRecord()).server(serverHelloRecord(0x0303))
                .client(record(20, 0x0303, new byte[] {1}))
                .client(record(22, 0x0303, new byte[40]))
                .client(record(21, 0x0303, new byte[26]));
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        assertEquals(5, records.size());
        assertFalse(records.get(2).encrypted());
        assertTrue(records.get(3).encrypted());
        assertTrue(records.get(3).handshakes().isEmpty());
        assertTrue(records.get(4).encrypted());
        assertNull(records.get(4).alert());
    }

    @Test
    void handshakeSplitAcrossRecordsAndRecordsSplitAcrossDeliveries() {
        byte[] message = clientHelloMessage();
        int cut = 40;
        byte[] first = record(22, 0x0301, Arrays.copyOfRange(message, 0, cut));
        byte[] second = record(22, 0x0301, Arrays.copyOfRange(message, cut, message.length));
        byte[] bytes = concat(first, second, record(23, 0x0303, new byte[100]));
        Conversation c = new Conversation().inPieces(Direction.CLIENT_TO_SERVER, bytes, 7);
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        assertEquals(3, records.size(), c.describeAll());
        assertTrue(records.get(0).handshakes().isEmpty());
        assertEquals(cut, records.get(0).length());
        TlsHandshake.ClientHello hello = (TlsHandshake.ClientHello) records.get(1).handshakes().get(0);
        assertEquals("localhost", hello.serverName());
        assertEquals(1, records.get(0).frames().first());
        assertEquals(Conversation.timeOfFrame(1), records.get(0).timestampMicros());
        // the second record starts inside the delivery that ends the first
        assertEquals(first.length / 7 + 1, records.get(1).frames().first());
        assertTrue(records.get(2).encrypted());
        assertEquals(100, records.get(2).length());
        assertEquals(c.frameCount(), records.get(2).frames().last());
    }

    @Test
    void severalHandshakeMessagesInOneRecordIncludingCertificates() throws Exception {
        byte[] der = selfSignedCertificate();
        ByteArrayOutputStream certBody = new ByteArrayOutputStream();
        writeU24(certBody, der.length + 3);
        writeU24(certBody, der.length);
        certBody.write(der);
        byte[] payload = concat(handshake(2, serverHelloBody(0x0303)), handshake(11, certBody.toByteArray()),
                handshake(14, new byte[0]));
        Conversation c = new Conversation().client(clientHelloRecord()).server(record(22, 0x0303, payload));
        TlsRecordSeen record = c.all(TlsRecordSeen.class).get(1);
        assertEquals(3, record.handshakes().size(), c.describeAll());
        assertEquals(0x0303, ((TlsHandshake.ServerHello) record.handshakes().get(0)).selectedVersion());
        TlsHandshake.Certificates certificates = (TlsHandshake.Certificates) record.handshakes().get(1);
        assertEquals(1, certificates.chain().size());
        TlsHandshake.CertificateSummary cert = certificates.chain().get(0);
        assertEquals("CN=localhost,O=Secret Server", cert.subject());
        assertEquals("CN=Workshop CA", cert.issuer());
        assertEquals(new X509CertificateHolder(der).getNotAfter().getTime(), cert.notAfterMillis());
        assertTrue(cert.notBeforeMillis() < cert.notAfterMillis());
        assertEquals(new TlsHandshake.Other(14, 0), record.handshakes().get(2));
    }

    @Test
    void realClientHelloFromTheJdk() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("localhost", 5683);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("localhost")));
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), out);
        assertTrue(result.bytesProduced() > 0);
        byte[] bytes = Arrays.copyOf(out.array(), out.position());

        Conversation c = new Conversation().client(bytes);
        TlsRecordSeen record = c.only(TlsRecordSeen.class);
        TlsHandshake.ClientHello hello = (TlsHandshake.ClientHello) record.handshakes().get(0);
        assertEquals("localhost", hello.serverName());
        assertTrue(hello.supportedVersions().contains(0x0304), hello.toString());
        assertTrue(hello.supportedVersions().contains(0x0303), hello.toString());
        assertEquals(List.of("http/1.1"), hello.alpn());
        assertFalse(hello.cipherSuites().isEmpty());
    }

    @Test
    void sslv2CompatibleClientHelloIsRecognisedAndTlsFollows() {
        byte[] hello = {
            (byte) 0x80, 34, // SSL 2.0 record header: length 34
            1, 3, 1, // CLIENT-HELLO, version TLS 1.0
            0, 9, 0, 0, 0, 16, // cipher specs, session id and challenge lengths
            0, 0, 0x2f, 7, 0, (byte) 0xc0, 0, 0, 0x35, // two TLS suites and one SSL 2.0 cipher kind
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, // challenge
        };
        Conversation c = new Conversation().inPieces(Direction.CLIENT_TO_SERVER,
                concat(hello, record(22, 0x0301, handshake(16, new byte[10]))), 3);
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        assertEquals(2, records.size(), c.describeAll());
        assertEquals(0x0002, records.get(0).version());
        assertEquals(34, records.get(0).length());
        assertEquals(new TlsHandshake.ClientHello(0x0301, null, List.of(), List.of(), List.of(0x2f, 0x35)),
                records.get(0).handshakes().get(0));
        assertEquals(new TlsHandshake.Other(16, 10), records.get(1).handshakes().get(0));
    }

    @Test
    void malformedRecordHeaderTurnsTheRestRaw() {
        Conversation c = new Conversation()
                .client(concat(clientHelloRecord(), new byte[] {99, 3, 3, 0, 4, 1, 2, 3, 4}));
        assertEquals(1, c.all(TlsRecordSeen.class).size());
        RawDataSeen raw = c.only(RawDataSeen.class);
        assertEquals(9, raw.length());
        assertEquals(99, raw.preview()[0]);
    }

    @Test
    void afterAGapTlsResumesAtARecordBoundary() {
        Conversation c = new Conversation().client(clientHelloRecord())
                .server(serverHelloRecord(0x0304))
                .gap(Direction.SERVER_TO_CLIENT, 500)
                .server(new byte[] {5, 6, 7, 8, 9, 10})
                .server(record(23, 0x0303, new byte[30]));
        assertEquals(500, c.only(StreamGap.class).missingBytes());
        assertEquals(6, c.only(RawDataSeen.class).length());
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        assertEquals(3, records.size(), c.describeAll());
        assertTrue(records.get(2).encrypted());
    }

    // ---- TLS bytes built by hand ----

    static byte[] clientHelloRecord() {
        return record(22, 0x0301, clientHelloMessage());
    }

    static byte[] serverHelloRecord(int selectedVersion) {
        return record(22, 0x0303, handshake(2, serverHelloBody(selectedVersion)));
    }

    static byte[] clientHelloMessage() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeU16(b, 0x0303);
        b.writeBytes(new byte[32]); // random
        b.write(32);
        b.writeBytes(new byte[32]); // session id
        writeU16(b, 6);
        writeU16(b, 0x1301);
        writeU16(b, 0x1302);
        writeU16(b, 0xc02f);
        b.write(1);
        b.write(0); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        byte[] host = "localhost".getBytes(StandardCharsets.US_ASCII);
        writeU16(ext, 0); // server_name
        writeU16(ext, host.length + 5);
        writeU16(ext, host.length + 3);
        ext.write(0);
        writeU16(ext, host.length);
        ext.writeBytes(host);
        writeU16(ext, 16); // ALPN
        writeU16(ext, 14);
        writeU16(ext, 12);
        ext.write(2);
        ext.writeBytes("h2".getBytes(StandardCharsets.US_ASCII));
        ext.write(8);
        ext.writeBytes("http/1.1".getBytes(StandardCharsets.US_ASCII));
        writeU16(ext, 43); // supported_versions
        writeU16(ext, 5);
        ext.write(4);
        writeU16(ext, 0x0304);
        writeU16(ext, 0x0303);
        writeU16(b, ext.size());
        b.writeBytes(ext.toByteArray());
        return handshake(1, b.toByteArray());
    }

    static byte[] serverHelloBody(int selectedVersion) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeU16(b, 0x0303);
        b.writeBytes(new byte[32]);
        b.write(32);
        b.writeBytes(new byte[32]);
        writeU16(b, selectedVersion == 0x0304 ? 0x1301 : 0xc02f);
        b.write(0);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        if (selectedVersion == 0x0304) {
            writeU16(ext, 43);
            writeU16(ext, 2);
            writeU16(ext, 0x0304);
        }
        writeU16(ext, 16);
        writeU16(ext, 5);
        writeU16(ext, 3);
        ext.write(2);
        ext.writeBytes("h2".getBytes(StandardCharsets.US_ASCII));
        writeU16(b, ext.size());
        b.writeBytes(ext.toByteArray());
        return b.toByteArray();
    }

    static byte[] handshake(int type, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(type);
        writeU24(b, body.length);
        b.writeBytes(body);
        return b.toByteArray();
    }

    static byte[] record(int type, int version, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(type);
        writeU16(b, version);
        writeU16(b, payload.length);
        b.writeBytes(payload);
        return b.toByteArray();
    }

    private static void writeU16(ByteArrayOutputStream b, int v) {
        b.write(v >> 8);
        b.write(v);
    }

    private static void writeU24(ByteArrayOutputStream b, int v) {
        b.write(v >> 16);
        b.write(v >> 8);
        b.write(v);
    }

    private static byte[] selfSignedCertificate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=Workshop CA"),
                BigInteger.valueOf(now), new Date(now - 60_000), new Date(now + 86_400_000L),
                new X500Name("CN=localhost,O=Secret Server"), keys.getPublic());
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
    }
}
