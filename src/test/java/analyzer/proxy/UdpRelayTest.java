package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.dissect.Event;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.dns.DnsMessageSeen;
import analyzer.flow.Direction;
import analyzer.report.Leaks;
import analyzer.workshop.ExternalCommand;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UDP relay with real clients on loopback: dig through it to a small DNS responder (query and answer relayed and
 * dissected as a capture dissects them), datagrams from several clients kept apart, a datagram carrying a password
 * flagged, and the client table bounded and expiring.
 */
@Timeout(120)
class UdpRelayTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final List<Event> seen = new CopyOnWriteArrayList<>();
    private final ProxyListener recorder = new ProxyListener() {
        @Override
        public void seen(Event event) {
            seen.add(event);
        }
    };

    private static ProxyConfig relayTo(int port) {
        return ProxyConfig.reverse(new InetSocketAddress(LOOPBACK, 0), new HostAndPort("127.0.0.1", port));
    }

    @Test
    void digThroughTheRelayGetsItsAnswerAndBothAreDissected() throws Exception {
        ExternalCommand.require("dig", "-v");
        try (PeerScripts.Server dns = PeerScripts.server(dir, "dns_responder.py");
             UdpRelay relay = UdpRelay.start(relayTo(dns.port()), recorder)) {
            int port = relay.address().getPort();
            ExternalCommand.Result a = dig(port, "fluffy.example", "A");
            ExternalCommand.Result aaaa = dig(port, "tail.example", "AAAA");
            assertTrue(a.output().contains("192.0.2.7"), a.output());
            assertTrue(aaaa.output().contains("2001:db8::7"), aaaa.output());

            List<DnsMessageSeen> messages = seen.stream().filter(DnsMessageSeen.class::isInstance)
                    .map(DnsMessageSeen.class::cast).toList();
            assertEquals(4, messages.size(), seen.toString());
            DnsMessageSeen query = messages.get(0);
            DnsMessageSeen answer = messages.get(1);
            assertTrue(query.flow().udp());
            assertEquals(Direction.CLIENT_TO_SERVER, query.direction());
            assertEquals("fluffy.example", query.message().questions().get(0).name());
            assertEquals(Direction.SERVER_TO_CLIENT, answer.direction());
            assertEquals(query.flow(), answer.flow(), "the answer belongs to the query's flow");
            assertEquals("192.0.2.7", answer.message().answers().get(0).data());
            assertEquals(dns.port(), query.flow().server().port(), "the flow runs from the client to the upstream");
            assertEquals("2001:db8::7", messages.get(3).message().answers().get(0).data());
            assertNotEquals(query.flow().id(), messages.get(3).flow().id(), "each dig is a client of its own");
            assertTrue(relay.summary().startsWith("2 clients · 4 datagrams relayed (2 to the upstream, 2 back)"
                    + " · 4 DNS messages"), relay.summary());
        }
    }

    @Test
    void answersGoBackToTheClientThatAskedAndACredentialIsFlagged() throws Exception {
        try (DatagramSocket upstream = new DatagramSocket(0, LOOPBACK);
             UdpRelay relay = UdpRelay.start(relayTo(upstream.getLocalPort()), recorder);
             DatagramSocket alice = new DatagramSocket(0, LOOPBACK);
             DatagramSocket bob = new DatagramSocket(0, LOOPBACK)) {
            upstream.setSoTimeout(20_000);
            alice.setSoTimeout(20_000);
            bob.setSoTimeout(20_000);
            send(alice, relay, "{\"user\":\"alice\",\"password\":\"hunter2-wonderland\"}");
            send(bob, relay, "bob here");
            // The upstream answers each sender, in reverse order: each answer must reach the one it is for.
            DatagramPacket first = receive(upstream);
            DatagramPacket second = receive(upstream);
            assertNotEquals(first.getPort(), second.getPort(), "each client through a socket of its own");
            answer(upstream, second, "to " + text(second));
            answer(upstream, first, "to " + text(first));
            assertTrue(text(receive(alice)).startsWith("to {\"user\":\"alice\""));
            assertEquals("to bob here", text(receive(bob)));

            RawDataSeen secret = seen.stream().filter(RawDataSeen.class::isInstance).map(RawDataSeen.class::cast)
                    .filter(d -> d.direction() == Direction.CLIENT_TO_SERVER && d.preview()[0] == '{')
                    .findFirst().orElseThrow();
            assertEquals(List.of(new Leaks.Leak(Leaks.Kind.CREDENTIALS, "password=hunt… in the JSON datagram")),
                    Leaks.of(secret, false));
            assertEquals(List.of(), Leaks.of(seen.stream().filter(RawDataSeen.class::isInstance)
                    .map(RawDataSeen.class::cast).filter(d -> d.preview()[0] == 'b').findFirst().orElseThrow(), false));
        }
    }

    @Test
    void theClientTableIsBounded() throws Exception {
        try (DatagramSocket upstream = new DatagramSocket(0, LOOPBACK);
             UdpRelay relay = UdpRelay.start(relayTo(upstream.getLocalPort()), recorder, 2);
             DatagramSocket a = new DatagramSocket(0, LOOPBACK);
             DatagramSocket b = new DatagramSocket(0, LOOPBACK);
             DatagramSocket c = new DatagramSocket(0, LOOPBACK)) {
            upstream.setSoTimeout(20_000);
            send(a, relay, "a1");
            int aPort = receive(upstream).getPort();
            send(b, relay, "b1");
            receive(upstream);
            send(c, relay, "c1"); // a third client: a, idle longest, is dropped to make room
            receive(upstream);
            assertTrue(relay.summary().contains("1 client forgotten early"), relay.summary());
            send(a, relay, "a2");
            assertNotEquals(aPort, receive(upstream).getPort(), "a came back as a new client");
            assertTrue(relay.summary().startsWith("4 clients"), relay.summary());
            assertEquals(4, seen.stream().map(e -> e.flow().id()).distinct().count(), seen.toString());
        }
    }

    @Test
    void aSilentClientIsForgotten() throws Exception {
        try (DatagramSocket upstream = new DatagramSocket(0, LOOPBACK);
             UdpRelay relay = UdpRelay.start(relayTo(upstream.getLocalPort())
                     .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10)), recorder);
             DatagramSocket a = new DatagramSocket(0, LOOPBACK)) {
            upstream.setSoTimeout(20_000);
            send(a, relay, "a1");
            int first = receive(upstream).getPort();
            Thread.sleep(1_500); // past the idle timeout
            send(a, relay, "a2");
            assertNotEquals(first, receive(upstream).getPort(), "a new socket for the client after its silence");
            assertTrue(relay.summary().startsWith("2 clients"), relay.summary());
        }
    }

    @Test
    void aTakenAddressIsAClearError() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, LOOPBACK)) {
            ProxyConfig config = ProxyConfig.reverse(new InetSocketAddress(LOOPBACK, taken.getLocalPort()),
                    new HostAndPort("127.0.0.1", 53));
            ProxyException e = assertThrows(ProxyException.class, () -> UdpRelay.start(config, recorder));
            assertTrue(e.getMessage().contains("cannot listen on UDP 127.0.0.1:" + taken.getLocalPort()
                    + ": the address is already in use"), e.getMessage());
        }
    }

    private static void send(DatagramSocket from, UdpRelay relay, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        from.send(new DatagramPacket(b, b.length, relay.address()));
    }

    private static DatagramPacket receive(DatagramSocket on) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            on.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no datagram arrived", e);
        }
        return p;
    }

    private static void answer(DatagramSocket upstream, DatagramPacket to, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        upstream.send(new DatagramPacket(b, b.length, to.getSocketAddress()));
    }

    private static String text(DatagramPacket p) {
        return new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.UTF_8);
    }

    private static ExternalCommand.Result dig(int port, String name, String type) throws Exception {
        return ExternalCommand.run(Duration.ofSeconds(20), List.of("dig", "@127.0.0.1", "-p", String.valueOf(port),
                "+tries=1", "+time=5", "+noedns", name, type));
    }

    @Test
    void payloadsPassUnchanged() throws Exception {
        try (DatagramSocket upstream = new DatagramSocket(0, LOOPBACK);
             UdpRelay relay = UdpRelay.start(relayTo(upstream.getLocalPort()), recorder);
             DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            upstream.setSoTimeout(20_000);
            byte[] big = new byte[9_000]; // past the usual 2 KiB a datagram channel reads by default
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            client.send(new DatagramPacket(big, big.length, relay.address()));
            DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
            upstream.receive(p);
            assertArrayEquals(big, java.util.Arrays.copyOf(p.getData(), p.getLength()));
        }
    }
}
