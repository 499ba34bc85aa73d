package analyzer.proxy;

import analyzer.pki.ForgedCertificateAuthority;
import analyzer.pki.ForgedLeaf;
import analyzer.pki.PkiException;
import analyzer.pki.ServerTlsPolicy;
import analyzer.pki.TlsKeyLog;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The server-side TLS contexts that present forged certificates, one per host name, kept in a bounded cache
 * (building a context is cheap next to a handshake, but not free).
 */
final class ForgedContexts {

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final int CACHED_HOSTS = 256;

    private final ForgedCertificateAuthority ca;
    private final TlsKeyLog keyLog;
    private final Map<String, SslContext> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SslContext> eldest) {
            return size() > CACHED_HOSTS;
        }
    };

    /** @param keyLog where the session keys with clients go (Netty's OpenSSL engine then), or null */
    ForgedContexts(ForgedCertificateAuthority ca, TlsKeyLog keyLog) {
        this.ca = ca;
        this.keyLog = keyLog;
    }

    SslContext contextFor(String host) {
        synchronized (cache) {
            SslContext cached = cache.get(host);
            if (cached != null) {
                return cached;
            }
        }
        SslContext context;
        try {
            ForgedLeaf leaf = ca.leafFor(host);
            SslContextBuilder builder = ServerTlsPolicy.apply(SslContextBuilder.forServer(leaf.privateKey(),
                    leaf.chain()).sslProvider(SslProvider.JDK));
            context = keyLog == null ? builder.build() : keyLog.attach(keyLog.configure(builder).build());
        } catch (PkiException | SSLException e) {
            throw new IllegalStateException("cannot use the certificate forged for " + host + ": " + e.getMessage(), e);
        }
        synchronized (cache) {
            cache.put(host, context);
        }
        return context;
    }

    /** The forging CA's name as a certificate viewer shows it ("CN=analyzer MITM CA,O=analyzer"). */
    String issuer() {
        return ca.caCertificate().getSubjectX500Principal().getName();
    }
}
