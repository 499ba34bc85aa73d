package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.BrotliCli;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/** The rewrite rules as pure functions over headers and body bytes: no sockets. */
class MessageRewriterTest {

    private static final MessageRewriter SQUIRREL = new MessageRewriter(List.of(),
            List.of(BodyReplacement.parse("fluffy tail=>squirrel party")));

    @Test
    void replacesEveryOccurrenceAndSetsTheNewContentLength() {
        HttpHeaders h = headers("Content-Length", "23");
        var result = SQUIRREL.rewriteBody(h, bytes("fluffy tail fluffy tail"), 1 << 20);
        var rewritten = assertInstanceOf(MessageRewriter.Rewritten.class, result);
        assertEquals("squirrel party squirrel party", text(rewritten.body()));
        assertEquals("29", h.get("Content-Length"));
        assertEquals(List.of(new MessageRewriter.Replaced("fluffy tail", "squirrel party", 2)), rewritten.replaced());
    }

    @Test
    void chunkedStaysChunkedWithoutAContentLength() {
        HttpHeaders h = headers("Transfer-Encoding", "chunked");
        var rewritten = assertInstanceOf(MessageRewriter.Rewritten.class,
                SQUIRREL.rewriteBody(h, bytes("fluffy tail"), 1 << 20));
        assertEquals("squirrel party", text(rewritten.body()));
        assertEquals("chunked", h.get("Transfer-Encoding"));
        assertFalse(h.contains("Content-Length"));
    }

    @Test
    void bodyDelimitedByCloseGetsAContentLength() {
        HttpHeaders h = new DefaultHttpHeaders();
        assertInstanceOf(MessageRewriter.Rewritten.class, SQUIRREL.rewriteBody(h, bytes("fluffy tail"), 1 << 20));
        assertEquals("14", h.get("Content-Length"));
    }

    @Test
    void gzipBodyIsDecodedRewrittenAndEncodedAgain() throws Exception {
        HttpHeaders h = headers("Content-Encoding", "gzip");
        byte[] zipped = TestUpstream.gzip("the secret is fluffy tail");
        h.set("Content-Length", zipped.length);
        var rewritten = assertInstanceOf(MessageRewriter.Rewritten.class, SQUIRREL.rewriteBody(h, zipped, 1 << 20));
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(rewritten.body())).readAllBytes();
        assertEquals("the secret is squirrel party", text(unzipped));
        assertEquals(String.valueOf(rewritten.body().length), h.get("Content-Length"));
        assertEquals("gzip", h.get("Content-Encoding"));
    }

    @Test
    void deflateBodyIsRewrittenToo() throws Exception {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(z)) {
            out.write(bytes("fluffy tail"));
        }
        HttpHeaders h = headers("Content-Encoding", "deflate");
        var rewritten = assertInstanceOf(MessageRewriter.Rewritten.class,
                SQUIRREL.rewriteBody(h, z.toByteArray(), 1 << 20));
        assertArrayEquals(bytes("squirrel party"),
                new InflaterInputStream(new ByteArrayInputStream(rewritten.body())).readAllBytes());
    }

    /** No brotli encoder is at hand: the rewritten body goes on decoded, and says so by losing its coding. */
    @Test
    void brotliBodyIsDecodedRewrittenAndSentWithoutACoding() {
        HttpHeaders h = headers("Content-Encoding", "br");
        byte[] br = BrotliCli.compress(bytes("the secret is fluffy tail"));
        h.set("Content-Length", br.length);
        var rewritten = assertInstanceOf(MessageRewriter.Rewritten.class, SQUIRREL.rewriteBody(h, br, 1 << 20));
        assertEquals("the secret is squirrel party", text(rewritten.body()));
        assertFalse(h.contains("Content-Encoding"));
        assertEquals(String.valueOf(rewritten.body().length), h.get("Content-Length"));
    }

    @Test
    void aTruncatedGzipBodyIsNotRewrittenAsIfWhole() {
        byte[] zipped = TestUpstream.gzip("the secret is fluffy tail");
        var result = SQUIRREL.rewriteBody(headers("Content-Encoding", "gzip"),
                java.util.Arrays.copyOf(zipped, zipped.length - 3), 1 << 20);
        assertTrue(assertInstanceOf(MessageRewriter.Skipped.class, result).reason()
                .contains("ends before its gzip stream does"), result.toString());
    }

    @Test
    void unknownEncodingOrCorruptGzipIsSkippedWithAReason() {
        var zstd = SQUIRREL.rewriteBody(headers("Content-Encoding", "zstd"), bytes("fluffy tail"), 1 << 20);
        assertTrue(assertInstanceOf(MessageRewriter.Skipped.class, zstd).reason().contains("zstd"));
        var corrupt = SQUIRREL.rewriteBody(headers("Content-Encoding", "gzip"), bytes("not gzip at all"), 1 << 20);
        assertTrue(assertInstanceOf(MessageRewriter.Skipped.class, corrupt).reason().contains("gzip"));
    }

    @Test
    void decodingIsBoundedSoACompressedBombIsNotExpanded() {
        byte[] bomb = TestUpstream.gzip("a".repeat(1 << 20));
        var result = SQUIRREL.rewriteBody(headers("Content-Encoding", "gzip"), bomb, 64 * 1024);
        assertTrue(assertInstanceOf(MessageRewriter.Skipped.class, result).reason()
                .contains("decodes to more than 65536 bytes"), result.toString());
    }

    @Test
    void noMatchLeavesBodyAndHeadersAlone() {
        HttpHeaders h = headers("Content-Length", "5");
        assertInstanceOf(MessageRewriter.Unchanged.class, SQUIRREL.rewriteBody(h, bytes("hello"), 1 << 20));
        assertInstanceOf(MessageRewriter.Unchanged.class, SQUIRREL.rewriteBody(h, new byte[0], 1 << 20));
        assertEquals("5", h.get("Content-Length"));
    }

    @Test
    void headerRulesSetReplaceAndDropAndSayWhatChanged() {
        MessageRewriter rules = new MessageRewriter(List.of(HeaderRule.parseSet("Server: evil"),
                HeaderRule.drop("Strict-Transport-Security"), HeaderRule.set("X-New", "1"), HeaderRule.drop("Absent")),
                List.of());
        HttpHeaders h = headers("Server", "nginx");
        h.add("Strict-Transport-Security", "max-age=1");
        var changes = rules.rewriteHeaders(h);
        assertEquals(List.of(new MessageRewriter.HeaderChange("Server", "nginx", "evil"),
                new MessageRewriter.HeaderChange("Strict-Transport-Security", "max-age=1", null),
                new MessageRewriter.HeaderChange("X-New", null, "1")), changes);
        assertEquals("evil", h.get("Server"));
        assertNull(h.get("Strict-Transport-Security"));
        assertTrue(rules.rewriteHeaders(h).stream().noneMatch(c -> c.name().equals("Server")),
                "a header already at its value is not reported again");
    }

    @Test
    void rulesParseAsPeopleTypeThem() {
        assertEquals(new BodyReplacement("a=b", "c=>d"), BodyReplacement.parse("a=b=>c=>d"));
        assertEquals(new BodyReplacement("x", ""), BodyReplacement.parse("x=>"));
        assertThrows(IllegalArgumentException.class, () -> BodyReplacement.parse("no arrow"));
        assertThrows(IllegalArgumentException.class, () -> BodyReplacement.parse("=>empty find"));
        assertEquals(HeaderRule.set("X-A", "b c"), HeaderRule.parseSet("X-A:  b c"));
        assertThrows(IllegalArgumentException.class, () -> HeaderRule.parseSet("novalue"));
        assertThrows(IllegalArgumentException.class, () -> HeaderRule.set("Bad Name", "v"));
        assertEquals(new HostAndPort("::1", 8080), HostAndPort.parse("[::1]:8080", -1));
        assertEquals(new HostAndPort("localhost", 443), HostAndPort.parse("localhost", 443));
        assertEquals("[::1]:8080", new HostAndPort("::1", 8080).toString());
        assertThrows(IllegalArgumentException.class, () -> HostAndPort.parse("localhost", -1));
        assertThrows(IllegalArgumentException.class, () -> HostAndPort.parse("localhost:99999", -1));
        assertThrows(IllegalArgumentException.class, () -> HostAndPort.parse("::1:80", -1));
    }

    private static HttpHeaders headers(String name, String value) {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(name, value);
        return h;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
