package analyzer.proxy;

import analyzer.dissect.TlsNames;
import analyzer.flow.Flow;

/**
 * A client did not complete the TLS handshake with the proxy's forged certificate: the attack failed.
 *
 * @param host     the name the certificate was forged for
 * @param evidence how the rejection showed
 * @param alert    the TLS alert the client sent ("unknown_ca", "certificate_unknown", …), or null when it sent none
 * @param detail   the proxy's TLS engine's own words, for the curious (may mislead under TLS 1.3; the alert does not)
 */
public record ForgeryRejected(Flow flow, long timestampMicros, String host, Evidence evidence, String alert,
                              String detail) {

    public enum Evidence {
        /** The client's alert record, read in clear before the handshake finished (TLS 1.2). */
        ALERT_IN_CLEAR,
        /** The client's alert, encrypted under the handshake keys (TLS 1.3), as the proxy's TLS engine read it. */
        ALERT_DECRYPTED,
        /** The client closed the connection during the handshake without an alert. */
        CLOSED,
        /** The handshake failed for another reason (no common protocol or cipher, a timeout); see detail. */
        OTHER
    }

    /** Whether the client turned the certificate down (rather than the handshake failing for another reason). */
    public boolean certificateRejected() {
        return evidence == Evidence.CLOSED || alert != null && TlsNames.rejectsCertificate(alert);
    }
}
