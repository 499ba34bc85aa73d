package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Frames;
import analyzer.dissect.session.CredentialSeen;
import analyzer.flow.Direction;
import analyzer.proxy.ProxyListener;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The proxy's printers and --show-secrets: a login the proxy read is masked unless asked to show it. */
class ProxyPrintersTest {

    private static final String PASSWORD = "hunter2-wonderland";
    private static final CredentialSeen LOGIN = new CredentialSeen(SampleEvents.flow(2), Direction.CLIENT_TO_SERVER,
            SampleEvents.T0, Frames.NONE, "SMTP", "AUTH PLAIN", "alice", PASSWORD);

    private static String print(ProxyListener printer, StringWriter out) {
        printer.seen(LOGIN);
        printer.flush();
        return out.toString();
    }

    @Test
    void textMasksTheLoginUnlessShowSecretsInFullAndBriefOutput() {
        for (boolean brief : new boolean[] {false, true}) {
            StringWriter masked = new StringWriter();
            String m = print(new ProxyTextPrinter(masked, Style.PLAIN, false, brief, TextWidth.UNLIMITED), masked);
            assertTrue(m.contains("user alice  password hunt…"), m);
            assertFalse(m.contains(PASSWORD), m);
            StringWriter shown = new StringWriter();
            String s = print(new ProxyTextPrinter(shown, Style.PLAIN, false, brief, TextWidth.UNLIMITED, true), shown);
            assertTrue(s.contains("user alice  password " + PASSWORD), s);
            if (brief) {
                assertEquals("EAVESDROP       SMTP AUTH PLAIN  user alice  password " + PASSWORD + "  #2",
                        s.strip(), "one line per login");
            }
        }
    }

    @Test
    void jsonMasksTheLoginUnlessShowSecrets() {
        StringWriter masked = new StringWriter();
        JsonObject m = JsonParser.parseString(print(new ProxyJsonPrinter(masked), masked)).getAsJsonObject();
        assertEquals("hunt…", m.get("credentials.secret").getAsString());
        assertTrue(m.get("credentials.secret_masked").getAsBoolean());
        StringWriter shown = new StringWriter();
        JsonObject s = JsonParser.parseString(print(new ProxyJsonPrinter(shown, true), shown)).getAsJsonObject();
        assertEquals(PASSWORD, s.get("credentials.secret").getAsString());
        assertFalse(s.get("credentials.secret_masked").getAsBoolean());
        assertEquals("proxy", s.get("seen_by").getAsString());
    }
}
