package analyzer.workshop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.workshop.Fernet.InvalidTokenException;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The Fernet specification's published vectors (src/test/resources/fernet) and a few attacks of our own. */
class FernetTest {

    private static final byte[] HELLO = "fluffy tail".getBytes(StandardCharsets.UTF_8);

    private static List<JsonObject> vectors(String name) throws IOException {
        try (InputStream in = FernetTest.class.getResourceAsStream("/fernet/" + name)) {
            JsonArray array = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonArray();
            List<JsonObject> list = new ArrayList<>();
            array.forEach(e -> list.add(e.getAsJsonObject()));
            assertTrue(!list.isEmpty(), name + " holds vectors");
            return list;
        }
    }

    private static java.time.Instant now(JsonObject v) {
        return OffsetDateTime.parse(v.get("now").getAsString()).toInstant();
    }

    @TestFactory
    Stream<DynamicTest> generateVectors() throws IOException {
        return vectors("generate.json").stream().map(v -> DynamicTest.dynamicTest(v.get("src").getAsString(), () -> {
            byte[] iv = new byte[16];
            JsonArray ivs = v.getAsJsonArray("iv");
            for (int i = 0; i < 16; i++) {
                iv[i] = ivs.get(i).getAsByte();
            }
            Fernet fernet = new Fernet(v.get("secret").getAsString());
            String token = fernet.encrypt(v.get("src").getAsString().getBytes(StandardCharsets.UTF_8),
                    now(v).getEpochSecond(), iv);
            assertEquals(v.get("token").getAsString(), token);
        }));
    }

    @TestFactory
    Stream<DynamicTest> verifyVectors() throws IOException {
        return vectors("verify.json").stream().map(v -> DynamicTest.dynamicTest(v.get("src").getAsString(), () -> {
            Fernet fernet = new Fernet(v.get("secret").getAsString());
            byte[] plain = fernet.decrypt(v.get("token").getAsString(),
                    Duration.ofSeconds(v.get("ttl_sec").getAsLong()), now(v));
            assertEquals(v.get("src").getAsString(), new String(plain, StandardCharsets.UTF_8));
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidVectorsAreRejected() throws IOException {
        return vectors("invalid.json").stream().map(v -> DynamicTest.dynamicTest(v.get("desc").getAsString(), () -> {
            Fernet fernet = new Fernet(v.get("secret").getAsString());
            JsonElement ttl = v.get("ttl_sec");
            assertThrows(InvalidTokenException.class, () -> fernet.decrypt(v.get("token").getAsString(),
                    Duration.ofSeconds(ttl.getAsLong()), now(v)));
        }));
    }

    @Test
    void roundTripWithAGeneratedKey() throws Exception {
        String key = Fernet.generateKey();
        assertEquals(44, key.length());
        assertEquals(32, Base64.getUrlDecoder().decode(key).length);
        assertNotEquals(key, Fernet.generateKey());
        Fernet fernet = new Fernet(key);
        String token = fernet.encrypt(HELLO);
        assertTrue(token.startsWith("gAAAAA"), "version byte 0x80 then a timestamp: " + token);
        assertArrayEquals(HELLO, fernet.decrypt(token));
        assertArrayEquals(HELLO, fernet.decrypt(token, Duration.ofMinutes(1)));
        assertNotEquals(token, fernet.encrypt(HELLO), "a fresh IV every time");
        assertArrayEquals(new byte[0], fernet.decrypt(fernet.encrypt(new byte[0])));
    }

    @Test
    void everyAlteredByteIsRejected() throws Exception {
        Fernet fernet = new Fernet(Fernet.generateKey());
        byte[] raw = Base64.getUrlDecoder().decode(fernet.encrypt(HELLO));
        for (int i = 0; i < raw.length; i++) {
            byte[] tampered = raw.clone();
            tampered[i] ^= 0x01;
            String token = Base64.getUrlEncoder().encodeToString(tampered);
            assertThrows(InvalidTokenException.class, () -> fernet.decrypt(token), "byte " + i + " altered");
        }
    }

    @Test
    void wrongKeyIsRejectedAndSaysSo() {
        String token = new Fernet(Fernet.generateKey()).encrypt(HELLO);
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> new Fernet(Fernet.generateKey()).decrypt(token));
        assertTrue(e.getMessage().contains("wrong key"), e.getMessage());
    }

    @Test
    void ttlIsCheckedOnlyWhenAsked() throws Exception {
        Fernet fernet = new Fernet(Fernet.generateKey());
        byte[] iv = new byte[16];
        String old = fernet.encrypt(HELLO, 499_162_800L, iv);
        assertArrayEquals(HELLO, fernet.decrypt(old), "no TTL: any age");
        assertThrows(InvalidTokenException.class, () -> fernet.decrypt(old, Duration.ofDays(1)));
    }

    @Test
    void malformedKeysAreRefusedWithAHint() {
        for (String bad : new String[] {"", "short", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=AAAA",
            "cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4="}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Fernet(bad), bad);
            assertTrue(e.getMessage().contains("analyzer key fernet"), e.getMessage());
        }
        assertEquals("Fernet[key hidden]", new Fernet(Fernet.generateKey()).toString());
    }
}
