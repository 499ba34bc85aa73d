package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The demo's recordings committed in captures/ read and judge as captures/README.md says. */
class DemoCapturesTest {

    private static final String SECRET = "fluffy tail";

    private static CommandRun check(String file) {
        return CommandRun.of("check", "--read", "captures/" + file, "--secret", SECRET, "--color", "never");
    }

    @Test
    void httpStageLeaksTheSecretThePasswordAndTheSession() {
        CommandRun r = check("demo-http.pcapng");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOT ENCRYPTED"), r.out());
        assertTrue(r.out().contains("\"fluffy tail\" in the server's bytes"), r.out());
        assertTrue(r.out().contains("POST /login  password=wond… in the form"), r.out());
        assertTrue(r.out().contains("Cookie: session="), r.out());
        CommandRun read = CommandRun.of("read", "captures/demo-http.pcapng", "--color", "never");
        assertEquals(0, read.code(), read.err());
        assertTrue(read.out().contains("│ squirrel party"), "the tampered answer on the client's leg");
        assertTrue(read.out().contains("Members only:"), "alice's page, also in the attacker's replay");
    }

    @Test
    void fernetStageIsPlainHttpButTheSecretIsInNoByte() {
        CommandRun r = check("demo-fernet.pcapng");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOT ENCRYPTED"), r.out());
        assertFalse(r.out().contains(SECRET), r.out());
        CommandRun read = CommandRun.of("read", "captures/demo-fernet.pcapng", "--color", "never");
        assertTrue(read.out().contains("│ gAAAAAB"), "the token as served");
        assertTrue(read.out().contains("│ gAAAAB"), "the token with its bits flipped by the proxy");
    }

    @Test
    void pinnedHttpsStageIsEncrypted() {
        CommandRun r = check("demo-https-pinned.pcapng");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ENCRYPTED — every connection with data was TLS"), r.out());
        assertFalse(r.out().contains("secret "), r.out());
        CommandRun json = CommandRun.of("read", "captures/demo-https-pinned.pcapng", "--format", "json");
        assertFalse(json.out().contains("\"event\":\"http."), "nothing readable as HTTP");
        assertFalse(json.out().contains("session="), "the session cookie travelled encrypted");
    }

    @Test
    void insecureHttpsStageLooksEncryptedOnTheWire() {
        CommandRun r = check("demo-https-insecure.pcapng");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ENCRYPTED — every connection with data was TLS"), r.out());
    }
}
