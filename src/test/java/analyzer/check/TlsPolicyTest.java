package analyzer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.TlsNames;
import org.junit.jupiter.api.Test;

/** Mozilla's Server Side TLS 5.7 configurations, and the reasons given for what is outside them. */
class TlsPolicyTest {

    @Test
    void versionsFollowTheGuidelines() {
        assertNull(TlsPolicy.MODERN.versionProblem(0x0304));
        assertEquals("TLS 1.2 — modern needs TLS 1.3", TlsPolicy.MODERN.versionProblem(0x0303));
        assertEquals("TLS 1.0 — intermediate needs TLS 1.2 or newer", TlsPolicy.INTERMEDIATE.versionProblem(0x0301));
        assertEquals("TLS 1.1 — intermediate needs TLS 1.2 or newer", TlsPolicy.INTERMEDIATE.versionProblem(0x0302));
        assertNull(TlsPolicy.INTERMEDIATE.versionProblem(0x0303));
        assertNull(TlsPolicy.OLD.versionProblem(0x0301));
        assertEquals("SSL 3.0 — old needs TLS 1.0 or newer", TlsPolicy.OLD.versionProblem(0x0300));
    }

    @Test
    void suitesFollowTheGuidelinesWithAReason() {
        int rsaCbc = TlsNames.cipherSuiteNamed("TLS_RSA_WITH_AES_128_CBC_SHA");
        assertEquals("TLS_RSA_WITH_AES_128_CBC_SHA — no forward secrecy", TlsPolicy.INTERMEDIATE.suiteProblem(rsaCbc));
        assertNull(TlsPolicy.OLD.suiteProblem(rsaCbc));
        assertEquals("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA — CBC mode (not AEAD)", TlsPolicy.INTERMEDIATE
                .suiteProblem(TlsNames.cipherSuiteNamed("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")));
        assertEquals("TLS_RSA_WITH_RC4_128_SHA — RC4 is broken",
                TlsPolicy.OLD.suiteProblem(TlsNames.cipherSuiteNamed("TLS_RSA_WITH_RC4_128_SHA")));
        assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 — not in modern's list",
                TlsPolicy.MODERN.suiteProblem(TlsNames.cipherSuiteNamed("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")));
        assertNull(TlsPolicy.INTERMEDIATE.suiteProblem(0x1301));
        assertNull(TlsPolicy.INTERMEDIATE.suiteProblem(0xcca8));
        assertEquals("TLS_AES_128_CCM_SHA256 — not in intermediate's list", TlsPolicy.INTERMEDIATE.suiteProblem(0x1304));
        assertNull(TlsPolicy.OLD.suiteProblem(TlsNames.cipherSuiteNamed("TLS_RSA_WITH_3DES_EDE_CBC_SHA")));
    }

    @Test
    void theListsHaveTheGuidelinesSizes() {
        // 5.7: TLS 1.3's three suites, plus 9 (intermediate) or 26 (old) TLS 1.2 "iana" ciphers; modern none.
        int modern = 0;
        int intermediate = 0;
        int old = 0;
        for (int suite : TlsNames.knownCipherSuites()) {
            modern += TlsPolicy.MODERN.allowsSuite(suite) ? 1 : 0;
            intermediate += TlsPolicy.INTERMEDIATE.allowsSuite(suite) ? 1 : 0;
            old += TlsPolicy.OLD.allowsSuite(suite) ? 1 : 0;
        }
        assertEquals(3, modern);
        assertEquals(12, intermediate);
        assertEquals(29, old);
        assertEquals(TlsPolicy.OLD, TlsPolicy.named("OLD"));
        assertNull(TlsPolicy.named("paranoid"));
        assertTrue(TlsPolicy.MODERN.certificates().ecdsaOnly());
    }
}
