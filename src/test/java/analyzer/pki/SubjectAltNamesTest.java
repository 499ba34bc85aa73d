package analyzer.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectAltNamesTest {

    @Test
    void parsesAndNormalisesTheOpenSslForm() throws PkiException {
        assertEquals(List.of("DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:*.example.org", "IP:2001:db8::1"),
                SubjectAltNames.parse(" DNS:LocalHost, ip:127.0.0.1,IP:[0:0:0:0:0:0:0:1],,dns:*.example.org,"
                        + "IP:2001:DB8:0::1"));
        assertEquals(List.of(), SubjectAltNames.parse(""));
    }

    @Test
    void badEntriesAreRefusedWithTheirFix() {
        PkiException noPrefix = assertThrows(PkiException.class, () -> SubjectAltNames.parse("localhost"));
        assertEquals("subject alternative name 'localhost' must start with DNS: or IP:, e.g. DNS:localhost,IP:127.0.0.1",
                noPrefix.getMessage());
        PkiException address = assertThrows(PkiException.class, () -> SubjectAltNames.parse("DNS:127.0.0.1"));
        assertTrue(address.getMessage().contains("write IP:127.0.0.1"), address.getMessage());
        PkiException notIp = assertThrows(PkiException.class, () -> SubjectAltNames.parse("DNS:a,IP:localhost"));
        assertEquals("subject alternative name 'IP:localhost' is not an IPv4 or IPv6 address", notIp.getMessage());
        assertThrows(PkiException.class, () -> SubjectAltNames.parse("IP:256.1.1.1"));
        assertThrows(PkiException.class, () -> SubjectAltNames.parse("DNS:"));
        assertThrows(PkiException.class, () -> SubjectAltNames.parse("DNS:bad host"));
        assertThrows(PkiException.class, () -> SubjectAltNames.parse("DNS:-leading.example"));
        assertThrows(PkiException.class, () -> SubjectAltNames.parse("URI:http://x"));
    }

    @Test
    void subjectNamesCheckTheCountryAndNeedSomething() {
        assertEquals("C=US,ST=Maryland,L=Baltimore,O=Secret Squirrels,CN=localhost",
                new SubjectName("localhost", "Secret Squirrels", "us", "Maryland", "Baltimore").toX500Name().toString());
        assertEquals("CN=only", SubjectName.of("only").toX500Name().toString());
        assertThrows(IllegalArgumentException.class, () -> new SubjectName("x", null, "USA", null, null));
        assertThrows(IllegalArgumentException.class, () -> new SubjectName(" ", null, null, "", null));
    }
}
