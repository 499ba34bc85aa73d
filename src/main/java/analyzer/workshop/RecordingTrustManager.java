package analyzer.workshop;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Remembers, per connection, the certificate chain a server presented, then lets the real trust manager decide:
 * its verdict and its exception pass through untouched (so the TLS alert the client sends is the JDK's own). The
 * chain is what lets a rejection say whose certificate was refused and who issued it. With no delegate it trusts
 * everything, hostname included: that is {@code --insecure}, and it is meant to be.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;
    /** Weak keys: an engine's entry goes when the connection is gone. */
    private final Map<SSLEngine, List<X509Certificate>> presented =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** @param delegate the trust manager whose verdict counts, or null to trust anything */
    RecordingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    /** The chain the server presented on this engine's handshake, leaf first, or empty. */
    List<X509Certificate> presented(SSLEngine engine) {
        List<X509Certificate> chain = presented.get(engine);
        return chain == null ? List.of() : chain;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        presented.put(engine, List.of(chain));
        if (delegate != null) {
            delegate.checkServerTrusted(chain, authType, engine);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (delegate != null) {
            delegate.checkServerTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (delegate != null) {
            delegate.checkServerTrusted(chain, authType);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the secret client does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the secret client does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the secret client does not accept client connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
    }
}
