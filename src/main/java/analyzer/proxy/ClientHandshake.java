package analyzer.proxy;

import analyzer.dissect.TlsAlert;
import analyzer.flow.Flow;

/**
 * How a client's TLS handshake with the proxy's forged certificate ended, with the evidence it left.
 *
 * @param host          the name the certificate was forged for (the client's SNI, else the target host)
 * @param protocol      on success, the negotiated protocol ("TLSv1.3"); else null
 * @param cipherSuite   on success, the negotiated suite; else null
 * @param alertInClear  the fatal alert the client sent before it had keys (TLS 1.2, or OpenSSL under 1.3), or null
 * @param clientClosed  whether the client hung up during the handshake
 * @param cause         on failure, the TLS engine's exception; null on success
 */
public record ClientHandshake(Flow flow, long timestampMicros, String host, String protocol, String cipherSuite,
                              TlsAlert alertInClear, boolean clientClosed, Throwable cause) {

    public boolean succeeded() {
        return cause == null;
    }
}
