package analyzer.proxy;

import analyzer.pki.TlsKeyLog;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Files;
import javax.net.ssl.SSLException;

/** The client-side TLS context the proxy uses toward upstreams: the JDK's trust store, a pinned CA, or none. */
final class UpstreamTls {

    private UpstreamTls() {
    }

    /** @param keyLog where the session keys with upstreams go (Netty's OpenSSL engine then), or null */
    static SslContext context(UpstreamTrust trust, TlsKeyLog keyLog) throws ProxyException {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(ForgedContexts.PROTOCOLS);
        if (trust.insecure()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            builder.endpointIdentificationAlgorithm("HTTPS");
            if (trust.caCertificate() != null) {
                if (!Files.isReadable(trust.caCertificate())) {
                    throw new ProxyException("cannot read the upstream CA certificate " + trust.caCertificate(),
                            "Give a PEM file, e.g. the secret server's ca.pem.", null);
                }
                builder.trustManager(trust.caCertificate().toFile());
            }
        }
        try {
            return keyLog == null ? builder.build() : keyLog.attach(keyLog.configure(builder).build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new ProxyException("cannot use " + trust.caCertificate() + " as the upstream CA: "
                    + e.getMessage(), "Give a PEM file holding one or more certificates.", e);
        }
    }
}
