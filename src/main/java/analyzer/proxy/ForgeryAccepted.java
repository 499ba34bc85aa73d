package analyzer.proxy;

import analyzer.flow.Flow;

/**
 * A client completed the TLS handshake with the proxy's forged certificate: everything it sends is now readable
 * and rewritable by the proxy.
 *
 * @param host the name the certificate was forged for (the client's SNI, else the upstream or CONNECT host)
 */
public record ForgeryAccepted(Flow flow, long timestampMicros, String host, String protocol, String cipherSuite) {
}
