package analyzer.dissect.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Event;
import analyzer.dissect.RawDataSeen;
import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile or odd input to the PostgreSQL and Redis dissectors: bounded, reported, and the stream goes on. */
class SessionBoundsTest {

    private final List<Event> events = new ArrayList<>();
    private final ConnectionListener connection;
    private long frame;

    SessionBoundsTest() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        connection = new Dissector(events::add, DissectorOptions.defaults())
                .open(new Flow(1, new Endpoint(lo, 50000), new Endpoint(lo, 5432)), 1, 0);
    }

    private void send(Direction d, byte[] bytes) {
        frame++;
        connection.onData(d, bytes, 0, bytes.length, frame, frame);
    }

    private <T> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void postgresSslRequestRefusedThenStartupInClear() {
        send(Direction.CLIENT_TO_SERVER, HexFormat.of().parseHex("0000000804d2162f"));
        send(Direction.SERVER_TO_CLIENT, new byte[] {'N'});
        byte[] startup = HexFormat.of().parseHex("0000002100030000757365720062616200646174616261736500736870000000");
        startup[3] = (byte) startup.length;
        send(Direction.CLIENT_TO_SERVER, startup);
        assertEquals(List.of(StartTlsSeen.Step.REQUESTED, StartTlsSeen.Step.REFUSED),
                of(StartTlsSeen.class).stream().map(StartTlsSeen::step).toList());
        assertTrue(of(ProtocolTextSeen.class).stream().anyMatch(t -> t.lines().get(0).equals(
                "StartupMessage user=bab database=shp")), events.toString());
    }

    @Test
    void postgresImpossibleLengthIsMalformedAndTheRestRaw() {
        send(Direction.CLIENT_TO_SERVER, HexFormat.of().parseHex("0000000804d2162f"));
        send(Direction.SERVER_TO_CLIENT, new byte[] {'N'});
        send(Direction.CLIENT_TO_SERVER, HexFormat.of().parseHex("0000000b00030000757365"));
        send(Direction.CLIENT_TO_SERVER, HexFormat.of().parseHex("517fffffff53454c454354"));
        assertEquals(1, of(ProtocolMalformed.class).size(), events.toString());
        assertEquals(1, of(RawDataSeen.class).size(), events.toString());
    }

    @Test
    void redisHugeBulkIsCountedNotKept() {
        String header = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$100000000\r\n";
        send(Direction.CLIENT_TO_SERVER, header.getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 'v');
        for (int i = 0; i < 95; i++) { // 95 MiB of the 100 MB value
            send(Direction.CLIENT_TO_SERVER, chunk);
        }
        byte[] last = new byte[100_000_000 - 95 * (1 << 20) + 2];
        java.util.Arrays.fill(last, (byte) 'v');
        last[last.length - 2] = '\r';
        last[last.length - 1] = '\n';
        send(Direction.CLIENT_TO_SERVER, last);
        send(Direction.CLIENT_TO_SERVER, "*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n".getBytes(StandardCharsets.US_ASCII));
        ProtocolTextSeen set = of(ProtocolTextSeen.class).get(0);
        assertTrue(set.lines().get(0).startsWith("SET key vvvv"), set.lines().get(0));
        assertTrue(set.lines().get(0).length() < 300, "kept up to 256 bytes");
        assertEquals("secret", of(CredentialSeen.class).get(0).secret(), "the stream stays in step after it");
    }
}
