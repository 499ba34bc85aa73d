package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * `check --keylog`: the verdict stays about the wire — a connection that was TLS on the wire is ENCRYPTED even
 * when its keys open it — and what the keys reveal (a password, the secret) is listed as found inside TLS.
 */
class CheckInsideTlsTest {

    private static final String CAPTURE = "captures/tls/tls13-chacha20-python.pcap";
    private static final String KEYS = "captures/tls/tls13-chacha20-python.keys";

    @Test
    void withTheKeysTheVerdictStaysEncryptedAndTheInsideIsListed() {
        CommandRun r = CommandRun.of("check", "--read", CAPTURE, "--keylog", KEYS, "--secret", "fluffy tail",
                "--color", "never");
        assertEquals(0, r.code(), r.out() + r.err());
        // check's text puts the summary under the connection and wraps at 80 columns: read it joined.
        assertTrue(r.out().replaceAll("\\n {4,}", " ").contains("ENCRYPTED  #1  127.0.0.1:40610 → 127.0.0.1:44330"
                + " TLS 1.3, TLS_CHACHA20_POLY1305_SHA256, SNI localhost, decrypted with the key log"), r.out());
        assertTrue(r.out().contains("inside TLS    POST /login  password=wond… in the form  (frames 13, 15)"), r.out());
        assertTrue(r.out().contains("inside TLS    \"fluffy tail\" in the response body  (frame 12)"), r.out());
        assertTrue(r.out().contains("ENCRYPTED — every connection with data was TLS (1 connection)"), r.out());
        assertFalse(r.out().contains("wonderland"), "masked unless --show-secrets: " + r.out());
    }

    @Test
    void jsonNamesTheFindingsInsideTls() {
        CommandRun r = CommandRun.of("check", "--read", CAPTURE, "--keylog", KEYS, "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"kind\":\"tls\""), r.out());
        assertTrue(r.out().contains("{\"kind\":\"inside TLS\",\"detail\":\"POST /login  password=wond… in the form\""),
                r.out());
        assertTrue(r.out().contains("\"verdict\":\"encrypted\""), r.out());
    }

    @Test
    void withoutTheKeysNothingInsideIsSeen() {
        CommandRun r = CommandRun.of("check", "--read", CAPTURE, "--secret", "fluffy tail", "--color", "never");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("inside TLS"), r.out());
        assertFalse(r.out().contains("decrypted"), r.out());
    }

    @Test
    void aMissingKeyLogIsAUsageError() {
        CommandRun r = CommandRun.of("check", "--read", CAPTURE, "--keylog", "no/such.keys");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("analyzer: cannot read the key log no/such.keys: no such file"), r.err());
    }
}
