package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.tls.KeyMaterial;
import analyzer.flow.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dissector opening TLS with a key log, on RFC 8448's simple 1-RTT trace: every protected record is reported
 * with its real type and content, the alerts inside are alert events, and the application data goes on to be
 * dissected as a stream of the connection's decrypted view.
 */
class TlsDecryptionTest {

    private static final Map<String, byte[]> RFC8448 = rfc8448();
    private static final String CLIENT_RANDOM =
            "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7";

    @Test
    void theRfc8448TraceOpensWithItsKeyLog() {
        List<String> problems = new ArrayList<>();
        Conversation c = trace(keyLog(problems, true, true));
        assertEquals(List.of(), problems);

        TlsDecryptionSeen opened = c.only(TlsDecryptionSeen.class);
        assertEquals(TlsDecryptionSeen.Outcome.DECRYPTED, opened.outcome());
        assertEquals("with the key log (TLS 1.3, TLS_AES_128_GCM_SHA256)", opened.detail());
        assertEquals(Direction.SERVER_TO_CLIENT, opened.direction());

        List<TlsRecordSeen> decrypted = c.all(TlsRecordSeen.class).stream().filter(TlsRecordSeen::decrypted).toList();
        assertEquals(List.of("server handshake [8, 11, 15, 20]", "client handshake [20]", "server handshake [4]",
                "client application_data []", "server application_data []", "client alert []", "server alert []"),
                decrypted.stream().map(TlsDecryptionTest::summary).toList());
        TlsRecordSeen certificate = decrypted.get(0);
        assertEquals(679 - 5, certificate.length(), "the length on the wire");
        assertFalse(certificate.encrypted());
        TlsHandshake.Certificates chain = (TlsHandshake.Certificates) certificate.handshakes().get(1);
        assertEquals("CN=rsa", chain.chain().get(0).subject(), "the certificate, readable once decrypted");
        TlsAlert closeNotify = decrypted.get(5).alert();
        assertEquals(new TlsAlert(1, 0), closeNotify);

        List<RawDataSeen> inside = c.all(RawDataSeen.class);
        assertEquals(2, inside.size(), c.describeAll());
        byte[] fifty = new byte[50];
        for (int i = 0; i < fifty.length; i++) {
            fifty[i] = (byte) i;
        }
        for (RawDataSeen data : inside) {
            assertTrue(data.flow().insideTls(), "the plaintext is the connection seen inside its TLS");
            assertEquals(1, data.flow().id());
            assertEquals(50, data.length());
            assertArrayEquals(fifty, data.preview());
        }
        assertEquals(Direction.CLIENT_TO_SERVER, inside.get(0).direction());
        assertFalse(c.flow.insideTls());
    }

    @Test
    void withoutItsTrafficSecretsOnlyTheHandshakeOpensAndThatIsSaidOnce() {
        Conversation c = trace(keyLog(new ArrayList<>(), true, false));
        List<TlsDecryptionSeen> said = c.all(TlsDecryptionSeen.class);
        assertEquals(2, said.size(), c.describeAll());
        assertEquals(TlsDecryptionSeen.Outcome.DECRYPTED, said.get(0).outcome());
        assertEquals(TlsDecryptionSeen.Outcome.NO_KEY, said.get(1).outcome());
        assertEquals(0, c.all(RawDataSeen.class).size());
        long stillEncrypted = c.all(TlsRecordSeen.class).stream().filter(TlsRecordSeen::encrypted).count();
        assertEquals(5, stillEncrypted, "the ticket, two data records and two alerts stay records");
    }

    @Test
    void aWrongSecretIsSaidOnceAndTheRecordsStayRecords() {
        KeyMaterial keys = new KeyMaterial(m -> { });
        String wrong = "00".repeat(32);
        keys.addEmbedded(String.join("\n",
                "SERVER_HANDSHAKE_TRAFFIC_SECRET " + CLIENT_RANDOM + " " + wrong,
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + CLIENT_RANDOM + " " + wrong,
                "SERVER_TRAFFIC_SECRET_0 " + CLIENT_RANDOM + " " + wrong,
                "CLIENT_TRAFFIC_SECRET_0 " + CLIENT_RANDOM + " " + wrong), "test");
        Conversation c = trace(keys);
        List<TlsDecryptionSeen> said = c.all(TlsDecryptionSeen.class);
        assertEquals(2, said.size(), c.describeAll());
        assertTrue(said.stream().allMatch(d -> d.outcome() == TlsDecryptionSeen.Outcome.WRONG_KEY));
        assertTrue(said.get(0).detail().startsWith("the key log's secret does not open this connection"),
                said.get(0).detail());
        assertTrue(c.all(TlsRecordSeen.class).stream().noneMatch(TlsRecordSeen::decrypted));
        assertEquals(0, c.all(RawDataSeen.class).size());
    }

    @Test
    void withoutAnyKeysNothingChanges() {
        Conversation c = trace(KeyMaterial.none());
        assertEquals(0, c.all(TlsDecryptionSeen.class).size());
        assertEquals(7, c.all(TlsRecordSeen.class).stream().filter(TlsRecordSeen::encrypted).count());
    }

    private static Conversation trace(KeyMaterial keys) {
        Conversation c = new Conversation(DissectorOptions.defaults().withTlsKeys(keys));
        byte[] hello = RFC8448.get("client_hello");
        c.client(Conversation.concat(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) hello.length}, hello));
        c.server(Conversation.concat(RFC8448.get("server_hello_record"), RFC8448.get("server_flight_record")));
        c.client(RFC8448.get("client_finished_record"));
        c.server(RFC8448.get("new_session_ticket_record"));
        c.client(RFC8448.get("client_application_record"));
        c.server(RFC8448.get("server_application_record"));
        c.client(RFC8448.get("client_alert_record"));
        c.server(RFC8448.get("server_alert_record"));
        return c.close();
    }

    private static KeyMaterial keyLog(List<String> problems, boolean handshake, boolean traffic) {
        KeyMaterial keys = new KeyMaterial(problems::add);
        StringBuilder log = new StringBuilder("# RFC 8448 section 3\n");
        if (handshake) {
            line(log, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "client_handshake_traffic_secret");
            line(log, "SERVER_HANDSHAKE_TRAFFIC_SECRET", "server_handshake_traffic_secret");
        }
        if (traffic) {
            line(log, "CLIENT_TRAFFIC_SECRET_0", "client_application_traffic_secret");
            line(log, "SERVER_TRAFFIC_SECRET_0", "server_application_traffic_secret");
        }
        keys.addEmbedded(log.toString(), "test");
        return keys;
    }

    private static void line(StringBuilder log, String label, String value) {
        log.append(label).append(' ').append(CLIENT_RANDOM).append(' ')
                .append(HexFormat.of().formatHex(RFC8448.get(value))).append('\n');
    }

    private static String summary(TlsRecordSeen r) {
        return (r.direction() == Direction.CLIENT_TO_SERVER ? "client " : "server ")
                + TlsNames.contentType(r.contentType()) + " " + r.handshakes().stream().map(TlsHandshake::type).toList();
    }

    private static Map<String, byte[]> rfc8448() {
        String text;
        try (InputStream in = TlsDecryptionTest.class.getResourceAsStream("/tls/rfc8448-simple-1rtt.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, StringBuilder> raw = new LinkedHashMap<>();
        StringBuilder current = null;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            if (!line.startsWith(" ") && colon > 0) {
                current = new StringBuilder(line.substring(colon + 1));
                raw.put(line.substring(0, colon), current);
            } else if (current != null) {
                current.append(line);
            }
        }
        Map<String, byte[]> values = new LinkedHashMap<>();
        raw.forEach((k, v) -> values.put(k, HexFormat.of().parseHex(v.toString().replaceAll("\\s", ""))));
        return values;
    }
}
