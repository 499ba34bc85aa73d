package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.dissect.TlsAlert;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guide's reading of TLS connections, on record sequences as the JDK, curl and OpenSSL send them. */
class WireSignsTest {

    private static final int PORT = 8443;
    private static final Flow FLOW = new Flow(7, new Endpoint(InetAddress.getLoopbackAddress(), 50123),
            new Endpoint(InetAddress.getLoopbackAddress(), PORT));
    private static final int AES_128_GCM = 0x1301;

    private final List<Event> events = new ArrayList<>();
    private long frame;

    private void record(Direction direction, int type, int length, List<TlsHandshake> handshakes, TlsAlert alert,
                        boolean encrypted) {
        events.add(new TlsRecordSeen(FLOW, direction, 0, Frames.of(++frame), type, 0x0303, length, handshakes,
                alert, encrypted));
    }

    private void helloes(int version) {
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.HANDSHAKE, 512, List.of(new TlsHandshake.ClientHello(0x0303,
                "localhost", List.of(), List.of(0x0304, 0x0303), List.of(AES_128_GCM))), null, false);
        record(Direction.SERVER_TO_CLIENT, TlsRecordSeen.HANDSHAKE, 122,
                List.of(new TlsHandshake.ServerHello(0x0303, version, AES_128_GCM, null)), null, false);
    }

    private void serverFlight13() {
        record(Direction.SERVER_TO_CLIENT, TlsRecordSeen.CHANGE_CIPHER_SPEC, 1, List.of(), null, false);
        record(Direction.SERVER_TO_CLIENT, TlsRecordSeen.APPLICATION_DATA, 1162, List.of(), null, true);
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.CHANGE_CIPHER_SPEC, 1, List.of(), null, false);
    }

    @Test
    void aTls13ClientsShortRecordAfterTheServersFlightIsItsRefusal() {
        helloes(0x0304);
        serverFlight13();
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.APPLICATION_DATA, 35, List.of(), null, true); // the JDK's
        WireSigns.TlsConnection c = WireSigns.tlsTo(events, PORT).get(0);
        assertTrue(c.refused());
        assertFalse(c.completed());
        assertEquals("TLS 1.3, TLS_AES_128_GCM_SHA256", c.negotiated());
        assertTrue(c.howRefused().startsWith("an encrypted record of 35 bytes where its Finished"), c.howRefused());
        assertTrue(WireSigns.completedTo(events, PORT).isEmpty());
    }

    @Test
    void aTls13FinishedAnsweredByTheServerIsACompletedHandshake() {
        helloes(0x0304);
        serverFlight13();
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.APPLICATION_DATA, 69, List.of(), null, true);
        assertTrue(WireSigns.completedTo(events, PORT).isEmpty(), "not before the server goes on");
        record(Direction.SERVER_TO_CLIENT, TlsRecordSeen.APPLICATION_DATA, 1253, List.of(), null, true);
        // A close_notify later is as short as an alert, and changes nothing.
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.APPLICATION_DATA, 35, List.of(), null, true);
        WireSigns.TlsConnection c = WireSigns.completedTo(events, PORT).orElseThrow();
        assertFalse(c.refused());
        assertEquals(8, c.records());
    }

    @Test
    void aTls12AlertIsReadInClear() {
        helloes(0x0303);
        record(Direction.SERVER_TO_CLIENT, TlsRecordSeen.HANDSHAKE, 900, List.of(), null, false);
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.ALERT, 2, List.of(), new TlsAlert(2, 48), false);
        WireSigns.TlsConnection c = WireSigns.refusedTo(events, PORT).orElseThrow();
        assertEquals("alert unknown_ca, read in clear (frame 4)", c.howRefused());
    }

    @Test
    void aTls12FinishedIsNotAnAlertHoweverShort() {
        helloes(0x0303);
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.CHANGE_CIPHER_SPEC, 1, List.of(), null, false);
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.HANDSHAKE, 40, List.of(), null, true);
        record(Direction.SERVER_TO_CLIENT, TlsRecordSeen.HANDSHAKE, 40, List.of(), null, true);
        assertTrue(WireSigns.completedTo(events, PORT).isPresent());
        assertTrue(WireSigns.refusedTo(events, PORT).isEmpty());
    }

    @Test
    void otherPortsAreNotLookedAt() {
        helloes(0x0304);
        serverFlight13();
        record(Direction.CLIENT_TO_SERVER, TlsRecordSeen.APPLICATION_DATA, 35, List.of(), null, true);
        assertTrue(WireSigns.tlsTo(events, 5683).isEmpty());
    }
}
