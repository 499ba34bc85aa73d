package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.HttpResponseSeen;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The proxy behaves the same on every transport: relaying, rewriting, half-closes, backpressure and 502s go through
 * the channel implementation the transport supplies. One the machine lacks is refused plainly when asked for.
 */
@Timeout(60)
@ExtendWith(NettyLeaks.class)
class TransportTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final Recorder recorder = new Recorder();
    private TestUpstream upstream;
    private InterceptingProxy proxy;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.plain();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    @Test
    void autoTakesIoUringThenEpollThenNio() throws Exception {
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()), recorder);
        IoTransport expected = IoUring.isAvailable() ? IoTransport.IO_URING
                : Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO;
        assertEquals(expected, proxy.transport());
        assertTrue(exchange("GET /secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false)
                .endsWith(TestUpstream.SECRET));
    }

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void everyAvailableTransportRelaysRewritesHalfClosesAndPushesBack(IoTransport kind) throws Exception {
        if (!available(kind)) {
            ProxyException e = assertThrows(ProxyException.class, () -> InterceptingProxy.start(
                    ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()).withTransport(kind), recorder));
            assertTrue(e.getMessage().startsWith(kind.label() + " is not available on this machine: "), e.getMessage());
            return;
        }
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, upstream.hostAndPort()).withTransport(kind)
                .withRules(TamperRules.replaceInResponses(BodyReplacement.parse("fluffy tail=>squirrel party"))),
                recorder);
        assertEquals(kind, proxy.transport());

        // Two requests on one connection, the second after the client has shut its side: both answered, rewritten.
        String both = exchange("GET /secret HTTP/1.1\r\nHost: x\r\n\r\nGET /chunked HTTP/1.1\r\nHost: x\r\n\r\n", true);
        assertEquals(2, both.split("squirrel party", -1).length - 1, both);
        recorder.await(HttpResponseSeen.class, 2, r -> TestUpstream.SECRET.equals(
                new String(r.body().shown(), StandardCharsets.UTF_8)));

        // A client that does not read: the proxy stops reading the upstream instead of buffering 256 MiB.
        try (Socket slow = new Socket("127.0.0.1", proxy.address().getPort())) {
            slow.getOutputStream().write("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(500);
            long sent = upstream.hugeBytesSent();
            assertTrue(sent < TestUpstream.HUGE / 4, kind.label() + ": the upstream could push " + sent + " bytes");
            InputStream in = slow.getInputStream();
            long total = 0;
            byte[] buf = new byte[65536];
            for (int n; total <= TestUpstream.HUGE && (n = in.read(buf)) > 0; ) {
                total += n;
            }
            assertTrue(total > TestUpstream.HUGE, "the slow client still gets everything: " + total);
        }
    }

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void everyAvailableTransportAnswers502ForADeadUpstream(IoTransport kind) throws Exception {
        if (!available(kind)) {
            return; // refusal is the other test's case
        }
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        proxy = InterceptingProxy.start(ProxyConfig.reverse(ANY_PORT, new HostAndPort("127.0.0.1", deadPort))
                .withTransport(kind), recorder);
        String answer = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n", false);
        assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
        assertTrue(answer.contains("connection refused"), answer);
    }

    private static boolean available(IoTransport kind) {
        return switch (kind) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            default -> true;
        };
    }

    /** Sends {@code requests} on one connection, optionally shuts the output, and reads until the proxy closes. */
    private String exchange(String requests, boolean halfClose) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            if (halfClose) {
                s.shutdownOutput();
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            s.getInputStream().transferTo(got);
            return got.toString(StandardCharsets.US_ASCII);
        }
    }
}
