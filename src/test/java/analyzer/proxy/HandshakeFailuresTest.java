package analyzer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.TlsAlert;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.net.InetAddress;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Why a client's handshake with a forged certificate failed, from the evidence, best first. */
class HandshakeFailuresTest {

    private static final Flow FLOW = new Flow(1, new Endpoint(InetAddress.getLoopbackAddress(), 51234),
            new Endpoint(InetAddress.getLoopbackAddress(), 5683));

    @Test
    void alertReadInClearWinsOverWhatTheEngineSays() {
        ForgeryRejected r = HandshakeFailures.classify(FLOW, 0, "localhost", new TlsAlert(2, 48), false,
                new SSLHandshakeException("Received fatal alert: certificate_unknown"));
        assertEquals(ForgeryRejected.Evidence.ALERT_IN_CLEAR, r.evidence());
        assertEquals("unknown_ca", r.alert());
        assertTrue(r.certificateRejected());
    }

    @Test
    void encryptedAlertIsTakenFromTheEngineWhenNoneWasInClear() {
        ForgeryRejected r = HandshakeFailures.classify(FLOW, 0, "localhost", null, true,
                new io.netty.handler.codec.DecoderException(
                        new SSLHandshakeException("Received fatal alert: bad_certificate")));
        assertEquals(ForgeryRejected.Evidence.ALERT_DECRYPTED, r.evidence());
        assertEquals("bad_certificate", r.alert());
        assertTrue(r.certificateRejected());
    }

    @Test
    void boringSslNamesTheAlertItDecryptedInItsOwnWords() {
        // A proxy that writes a key log runs Netty's OpenSSL engine (BoringSSL), which words it so.
        ForgeryRejected r = HandshakeFailures.classify(FLOW, 0, "localhost", null, true, new SSLHandshakeException(
                "error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN"));
        assertEquals(ForgeryRejected.Evidence.ALERT_DECRYPTED, r.evidence());
        assertEquals("certificate_unknown", r.alert());
        assertEquals("unknown_ca", HandshakeFailures.classify(FLOW, 0, "localhost", null, true,
                new SSLHandshakeException("error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA"))
                .alert());
    }

    @Test
    void hangingUpMidHandshakeCountsAsARejection() {
        ForgeryRejected r = HandshakeFailures.classify(FLOW, 0, "localhost", null, true, new ClosedChannelException());
        assertEquals(ForgeryRejected.Evidence.CLOSED, r.evidence());
        assertNull(r.alert());
        assertTrue(r.certificateRejected());
    }

    @Test
    void otherFailuresAreNotCalledACertificateRejection() {
        ForgeryRejected r = HandshakeFailures.classify(FLOW, 0, "localhost", null, false,
                new SSLHandshakeException("no cipher suites in common"));
        assertEquals(ForgeryRejected.Evidence.OTHER, r.evidence());
        assertFalse(r.certificateRejected());
        assertEquals("no cipher suites in common", r.detail());
        ForgeryRejected protocol = HandshakeFailures.classify(FLOW, 0, "localhost", new TlsAlert(2, 70), false, null);
        assertEquals("protocol_version", protocol.alert());
        assertFalse(protocol.certificateRejected());
    }

    @Test
    void theProxyTheServerAndThePrinterShareOneSetOfCertificateAlerts() {
        for (String name : new String[] {"bad_certificate", "unsupported_certificate", "certificate_revoked",
                "certificate_expired", "certificate_unknown", "unknown_ca", "bad_certificate_status_response"}) {
            assertTrue(analyzer.dissect.TlsNames.rejectsCertificate(name), name);
            ForgeryRejected r = new ForgeryRejected(null, 0, "localhost", ForgeryRejected.Evidence.ALERT_IN_CLEAR, name,
                    null);
            assertTrue(r.certificateRejected(), name);
        }
        for (String name : new String[] {"handshake_failure", "protocol_version", "access_denied", "close_notify"}) {
            assertFalse(analyzer.dissect.TlsNames.rejectsCertificate(name), name);
        }
        assertTrue(analyzer.dissect.TlsNames.rejectsCertificate(48));
        assertFalse(analyzer.dissect.TlsNames.rejectsCertificate(40));
    }
}
