package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.websocket.WebSocketMessageSeen;
import analyzer.flow.Direction;
import analyzer.workshop.ExternalCommand;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy's feed of the dissector after a 101: Python's websockets client talks permessage-deflate through the
 * proxy to a websockets server, and the proxy shows the messages as the wire dissector does — unmasked, inflated.
 */
@Timeout(90)
class WebSocketThroughProxyTest {

    private static final Path CHAT = Path.of("src/test/resources/captures/websocket_chat.py");
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void theProxyReadsMaskedAndDeflatedMessages() throws Exception {
        ExternalCommand.require(PYTHON);
        requireWebsockets();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder(PYTHON, CHAT.toString(), "server", Integer.toString(port), "40")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Recorder recorder = new Recorder();
        try (InterceptingProxy proxy = InterceptingProxy.start(ProxyConfig.reverse(
                new InetSocketAddress("127.0.0.1", 0), new HostAndPort("127.0.0.1", port)), recorder)) {
            waitForPort(port);
            ExternalCommand.Result client = ExternalCommand.run(Duration.ofSeconds(40), List.of(PYTHON, CHAT.toString(),
                    "client", Integer.toString(proxy.address().getPort()), "deflate"));
            assertEquals(0, client.code(), client.output());
            List<WebSocketMessageSeen> sent = recorder.await(WebSocketMessageSeen.class, 6,
                    m -> m.direction() == Direction.CLIENT_TO_SERVER);
            WebSocketMessageSeen first = sent.get(0);
            assertEquals("hello, the secret is fluffy tail", new String(first.preview(), StandardCharsets.UTF_8));
            assertTrue(first.masked() && first.compressed(), "masked and deflated on the way: " + first);
            assertTrue(first.frames().isEmpty(), "seen by the proxy, not in a capture");
            assertEquals("close", sent.get(5).type());
            assertEquals(4000, sent.get(5).closeCode());
        } finally {
            server.destroyForcibly();
        }
    }

    private static void requireWebsockets() throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(30), List.of(PYTHON, "-c", "import websockets"));
        if (r.code() != 0) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("python3-websockets is required in CI (.ci/run installs it)");
            }
            org.junit.jupiter.api.Assumptions.abort("python3-websockets is not installed");
        }
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the websockets server did not listen on " + port);
    }
}
