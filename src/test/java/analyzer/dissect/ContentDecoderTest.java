package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The one content decoder, fed as a dissector feeds it: in pieces of any size, then told the body ended. */
class ContentDecoderTest {

    private static final byte[] TEXT = "the secret is fluffy tail\n".repeat(400).getBytes(StandardCharsets.US_ASCII);

    /** Decodes {@code coded} delivered {@code piece} bytes at a time; returns the body, or the failure. */
    private static Object decode(String coding, byte[] coded, int piece, long max) {
        ContentDecoder d = ContentDecoder.forCoding(coding, max);
        BodyPreview body = new BodyPreview(1 << 24);
        for (int at = 0; at < coded.length; at += piece) {
            d.decode(coded, at, Math.min(piece, coded.length - at), body);
        }
        return d.finish(body) ? body.bytes() : d.failure();
    }

    private static Object decode(String coding, byte[] coded, int piece) {
        return decode(coding, coded, piece, ContentDecoder.MAX_DECODED);
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] plain, boolean raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(6, raw))) {
            z.write(plain);
        }
        return out.toByteArray();
    }

    /** gzip -N keeps the name in the header (FNAME): a header that is not 10 bytes long. */
    private static byte[] gzipWithName(byte[] plain) throws IOException {
        byte[] gz = gzip(plain);
        byte[] name = "secret.txt\0".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gz, 0, 3);
        out.write(gz[3] | 0x08);
        out.write(gz, 4, 6);
        out.write(name);
        out.write(gz, 10, gz.length - 10);
        return out.toByteArray();
    }

    @Test
    void gzipAndDeflateDecodeHoweverTheBodyIsSplit() throws IOException {
        for (int piece : new int[] {1, 3, 7, 8, 9, 100, 1 << 20}) {
            assertArrayEquals(TEXT, (byte[]) decode("gzip", gzip(TEXT), piece), "gzip in pieces of " + piece);
            assertArrayEquals(TEXT, (byte[]) decode("x-gzip", gzipWithName(TEXT), piece), "named, " + piece);
            assertArrayEquals(TEXT, (byte[]) decode("deflate", deflate(TEXT, false), piece), "zlib, " + piece);
            assertArrayEquals(TEXT, (byte[]) decode("x-deflate", deflate(TEXT, true), Math.max(2, piece)),
                    "raw deflate, " + piece);
        }
    }

    @Test
    void theGzipTrailerIsChecked() throws IOException {
        byte[] badCrc = gzip(TEXT);
        badCrc[badCrc.length - 8] ^= 1;
        byte[] badLength = gzip(TEXT);
        badLength[badLength.length - 4] ^= 1;
        for (int piece : new int[] {1, 5, 1 << 20}) {
            assertTrue(((String) decode("gzip", badCrc, piece)).startsWith(
                    "content could not be decoded: CRC value mismatch. Expected: "), "piece " + piece);
            assertTrue(((String) decode("gzip", badLength, piece)).startsWith(
                    "content could not be decoded: Number of bytes mismatch. Expected: "), "piece " + piece);
        }
    }

    @Test
    void aTruncatedOrCorruptBodyFailsAndAnEmptyOneDoesNot() throws IOException {
        byte[] gz = gzip(TEXT);
        assertEquals("content could not be decoded: the body ends before its gzip stream does",
                decode("gzip", Arrays.copyOf(gz, gz.length - 4), 100));
        assertEquals("content could not be decoded: the body ends before its gzip stream does",
                decode("gzip", Arrays.copyOf(gz, gz.length / 2), 100));
        assertEquals("content could not be decoded: not in gzip format",
                decode("gzip", "not gzip at all".getBytes(StandardCharsets.US_ASCII), 100));
        byte[] middle = deflate(TEXT, false);
        middle[middle.length / 2] ^= (byte) 0xff;
        assertTrue(((String) decode("deflate", middle, 100)).startsWith("content could not be decoded: "));
        for (String coding : new String[] {"gzip", "deflate", "br"}) {
            assertArrayEquals(new byte[0], (byte[]) decode(coding, new byte[0], 1), coding + " on a 304");
        }
    }

    @Test
    void decodingStopsPastTheBound() throws IOException {
        byte[] zeros = gzip(new byte[1 << 20]);
        assertEquals("content decodes to more than 65536 bytes: not decoded further", decode("gzip", zeros, 1000, 65536));
        ContentDecoder d = ContentDecoder.forCoding("gzip");
        BodyPreview body = new BodyPreview(100);
        byte[] bomb = gzip(new byte[(int) ContentDecoder.MAX_DECODED + (1 << 20)]);
        d.decode(bomb, 0, bomb.length, body);
        assertEquals("content decodes to more than 16 MiB: not decoded further", d.failure());
        assertTrue(body.length() > ContentDecoder.MAX_DECODED && body.length() < ContentDecoder.MAX_DECODED + 65536);
    }

    @Test
    void brotliFromTheRealEncoderDecodes() {
        byte[] br = BrotliCli.compress(TEXT);
        for (int piece : new int[] {1, 13, 1 << 20}) {
            assertArrayEquals(TEXT, (byte[]) decode("br", br, piece), "br in pieces of " + piece);
        }
        assertTrue(((String) decode("br", Arrays.copyOf(br, br.length / 2), 100))
                .startsWith("content could not be decoded: "));
        byte[] corrupt = br.clone();
        corrupt[corrupt.length / 2] ^= (byte) 0xff;
        assertTrue(decode("br", corrupt, 100) instanceof String, "a corrupt br body is not taken for a whole one");
        assertEquals("content decodes to more than 1 MiB: not decoded further",
                decode("br", BrotliCli.compress(new byte[4 << 20]), 4096, 1 << 20));
    }

    @Test
    void aBodyCutShortShowsWhatDecodedWithoutAFailure() {
        byte[] br = BrotliCli.compress(TEXT);
        ContentDecoder d = ContentDecoder.forCoding("br");
        BodyPreview body = new BodyPreview(1 << 20);
        d.decode(br, 0, br.length - 3, body);
        d.flush(body);
        assertNull(d.failure());
        assertTrue(body.length() > 0 && body.length() <= TEXT.length, "decoded " + body.length());
    }

    @Test
    void onlyCodingsItDecodesGetADecoder() {
        assertNull(ContentDecoder.forCoding(null));
        assertNull(ContentDecoder.forCoding("identity"));
        assertNull(ContentDecoder.forCoding("zstd"));
        assertNull(ContentDecoder.forCoding("gzip, br"));
        assertEquals("br", ContentDecoder.forCoding(" BR ").coding());
        assertFalse(ContentDecoder.forCoding("gzip").footprint() > 4096, "no buffer before the first bytes");
    }
}
