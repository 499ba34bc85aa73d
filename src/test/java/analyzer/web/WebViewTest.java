package analyzer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The page's server over plain HTTP and WebSocket: what it serves with the token, and what it refuses. */
@Timeout(30)
class WebViewTest {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private LiveView view;
    private WebView web;
    private String base;
    private String token;

    @BeforeEach
    void start() throws IOException {
        view = new LiveView("test view", 100, List.of("fluffy tail"));
        web = WebView.start(view, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
        base = "http://127.0.0.1:" + web.address().getPort();
        token = web.url().getQuery().substring("token=".length());
    }

    @AfterEach
    void stop() {
        web.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String cookie() {
        return "analyzer-token-" + web.address().getPort() + "=" + token;
    }

    @Test
    void theUrlPrintedIsTheOnlyWayIn() throws Exception {
        assertTrue(web.url().toString().startsWith("http://127.0.0.1:" + web.address().getPort() + "/?token="));
        HttpResponse<String> bare = get("/");
        assertEquals(403, bare.statusCode());
        assertTrue(bare.body().contains("token is missing or wrong"), bare.body());
        assertFalse(bare.body().contains("<script"), "no page without the token");
        assertEquals(403, get("/?token=" + token.substring(1)).statusCode());
        assertEquals(403, get("/app.js").statusCode());
        assertEquals(403, get("/api/flows/1-1").statusCode());

        HttpResponse<String> first = get("/?token=" + token);
        assertEquals(303, first.statusCode());
        assertEquals("/", first.headers().firstValue("location").orElseThrow(), "the token leaves the address bar");
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(setCookie.startsWith(cookie()), setCookie);
        assertTrue(setCookie.contains("HTTPOnly") || setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);

        HttpResponse<String> page = get("/", "Cookie", cookie());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"/app.js\""), page.body());
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'"), csp);
        assertFalse(csp.contains("unsafe"), csp);
        assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElseThrow());
        assertEquals(200, get("/app.js", "Authorization", "Bearer " + token).statusCode());
        assertEquals(200, get("/app.css", "Cookie", cookie()).statusCode());
        assertEquals(404, get("/nothing", "Cookie", cookie()).statusCode());
    }

    @Test
    void anotherHostNameOrAnotherSiteIsRefusedEvenWithTheToken() throws Exception {
        // Raw HTTP, as a browser sends it after a DNS rebinding: the attacker's own name in the Host header.
        assertTrue(rawGet("attacker.example:" + web.address().getPort(), null).startsWith("HTTP/1.1 403"));
        assertTrue(rawGet("localhost:" + web.address().getPort(), null).startsWith("HTTP/1.1 200"));
        assertTrue(rawGet("127.0.0.1:" + web.address().getPort(), "http://attacker.example")
                .startsWith("HTTP/1.1 403"));
    }

    private String rawGet(String host, String origin) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), web.address().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theSocketNeedsTheTokenAndThisPagesOrigin() throws Exception {
        String origin = "http://127.0.0.1:" + web.address().getPort();
        URI socket = URI.create("ws://127.0.0.1:" + web.address().getPort() + "/events");
        assertRefused(http.newWebSocketBuilder().header("Origin", origin), socket);
        assertRefused(http.newWebSocketBuilder().header("Origin", "http://attacker.example").header("Cookie", cookie()),
                socket);

        Messages messages = new Messages();
        WebSocket ws = http.newWebSocketBuilder().header("Origin", origin).header("Cookie", cookie())
                .buildAsync(socket, messages).get(5, TimeUnit.SECONDS);
        JsonObject hello = messages.next();
        assertEquals("hello", hello.get("type").getAsString());
        assertEquals(100, hello.get("maxFlows").getAsInt());
        JsonObject first = messages.next();
        assertEquals("batch", first.get("type").getAsString());
        assertEquals("test view", first.get("title").getAsString());
        assertTrue(web.awaitPage(Duration.ofSeconds(1)));

        // A new flow reaches the page in the next batch, but only once the page acknowledged the last one.
        Feed feed = view.feed("wire", "test", true);
        feed.accept(LiveViewTest.request(1, "/"));
        assertEquals(null, messages.poll(300), "sent before the acknowledgement");
        ws.sendText("{\"ack\":" + first.get("seq").getAsLong() + "}", true);
        JsonObject second = messages.next();
        assertEquals("1-1", second.getAsJsonArray("flows").get(0).getAsJsonObject().get("key").getAsString());
        ws.abort();
    }

    private static void assertRefused(WebSocket.Builder builder, URI uri) {
        CompletionException e = assertThrows(CompletionException.class, () -> builder.buildAsync(uri,
                new Messages()).join());
        assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException, String.valueOf(e.getCause()));
        assertEquals(403, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void onlyThePageCanRunADemoStageAndOnlyInADemo() throws Exception {
        String origin = "http://127.0.0.1:" + web.address().getPort();
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/api/stages/http/run"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Cookie", cookie());
        assertEquals(403, http.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "a POST without this page's Origin");
        HttpResponse<String> notDemo = http.send(post.copy().header("Origin", origin).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(409, notDemo.statusCode());
        assertTrue(notDemo.body().contains("not a demo"), notDemo.body());
        assertEquals(405, get("/api/stages/http/run", "Cookie", cookie()).statusCode());

        DemoBoard board = view.demoBoard();
        board.stage("http", "HTTP");
        String[] asked = new String[1];
        board.runner(key -> {
            asked[0] = key;
            return null;
        });
        assertEquals(202, http.send(post.copy().header("Origin", origin).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals("http", asked[0]);
        board.busy(true, "running");
        assertEquals(409, http.send(post.copy().header("Origin", origin).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aFlowsDetailIsServedAsJson() throws Exception {
        Feed feed = view.feed("wire", "test", true);
        feed.accept(LiveViewTest.request(3, "/x"));
        HttpResponse<String> detail = get("/api/flows/1-3", "Cookie", cookie());
        assertEquals(200, detail.statusCode());
        assertEquals("application/json", detail.headers().firstValue("content-type").orElseThrow());
        JsonObject d = JsonParser.parseString(detail.body()).getAsJsonObject();
        assertEquals("/x", d.getAsJsonArray("events").get(0).getAsJsonObject().get("http.request.uri").getAsString());
        assertEquals(404, get("/api/flows/1-4", "Cookie", cookie()).statusCode());
        assertEquals(404, get("/api/flows/nonsense", "Cookie", cookie()).statusCode());
    }

    /** The messages a WebSocket client received, as JSON. */
    static final class Messages implements WebSocket.Listener {
        private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                queue.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }

        JsonObject next() throws InterruptedException {
            JsonObject m = poll(5000);
            assertNotNull(m, "no message");
            return m;
        }

        JsonObject poll(long millis) throws InterruptedException {
            String s = queue.poll(millis, TimeUnit.MILLISECONDS);
            return s == null ? null : JsonParser.parseString(s).getAsJsonObject();
        }
    }
}
