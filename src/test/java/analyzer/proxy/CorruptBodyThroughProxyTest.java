package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.StandardErrorCapture;
import analyzer.dissect.HttpMalformed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server answering a corrupt gzip body in many small chunks, relayed by the proxy with and without rewrite rules:
 * the client gets what the server sent, the proxy reports a malformed body, and no library logs a stack trace.
 */
@Timeout(60)
@ExtendWith(NettyLeaks.class)
class CorruptBodyThroughProxyTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Chunks of 50 bytes: the decompressor fails again on each chunk that follows the damage. */
    static byte[] corruptChunkedGzipResponse() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(ascii("fluffy tail ".repeat(1000)));
        }
        byte[] body = gz.toByteArray();
        body[body.length / 2] ^= (byte) 0xff;
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n"));
        for (int i = 0; i < body.length; i += 50) {
            int n = Math.min(50, body.length - i);
            response.writeBytes(ascii(Integer.toHexString(n) + "\r\n"));
            response.write(body, i, n);
            response.writeBytes(ascii("\r\n"));
        }
        response.writeBytes(ascii("0\r\n\r\n"));
        return response.toByteArray();
    }

    @Test
    void corruptGzipBodyIsReportedNotLogged() throws Exception {
        byte[] response = corruptChunkedGzipResponse();
        for (TamperRules rules : new TamperRules[] {TamperRules.NONE, TamperRules.replaceInResponses(
                BodyReplacement.parse("fluffy tail=>squirrel party"))}) {
            Recorder recorder = new Recorder();
            String logged = StandardErrorCapture.during(() -> {
                try (ServerSocket upstream = new ServerSocket()) {
                    upstream.bind(new InetSocketAddress("127.0.0.1", 0));
                    Thread server = new Thread(() -> answerOnce(upstream, response));
                    server.start();
                    InterceptingProxy proxy = InterceptingProxy.start(ProxyConfig.reverse(
                            new InetSocketAddress("127.0.0.1", 0), new HostAndPort("127.0.0.1",
                                    upstream.getLocalPort())).withRules(rules), recorder);
                    try (Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
                        client.setSoTimeout(10_000);
                        client.getOutputStream().write(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
                        byte[] got = client.getInputStream().readAllBytes();
                        assertTrue(new String(got, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
                        recorder.awaitOne(HttpMalformed.class);
                    } finally {
                        proxy.close();
                    }
                    server.join(10_000);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals("", logged, "rules " + rules);
            assertTrue(recorder.awaitOne(HttpMalformed.class).reason().contains("could not be decoded"));
        }
    }

    private static void answerOnce(ServerSocket upstream, byte[] response) {
        try (Socket s = upstream.accept()) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            StringBuilder request = new StringBuilder();
            while (!request.toString().contains("\r\n\r\n") && (n = in.read(buf)) > 0) {
                request.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            OutputStream out = s.getOutputStream();
            out.write(response);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
