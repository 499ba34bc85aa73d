package analyzer.proxy;

import analyzer.dissect.DissectorOptions;
import analyzer.pki.ForgedCertificateAuthority;
import analyzer.pki.TlsKeyLog;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How one proxy runs. Build with {@link #reverse} or {@link #forward} and the {@code with…} methods.
 *
 * @param listen         where clients connect (port 0: an ephemeral port, see {@link InterceptingProxy#address()})
 * @param upstream       reverse mode: where every connection goes; null for a forward proxy (absolute-form HTTP
 *                       requests and CONNECT say where)
 * @param tls            what to do with clients that speak TLS
 * @param mitmCa         intercept mode: the CA that forges the certificates; null in passthrough
 * @param upstreamTrust  intercept mode: what the proxy trusts upstream
 * @param rules          rewrites applied to HTTP messages (plain, or intercepted)
 * @param maxRewriteBody bodies larger than this are relayed unmodified even when a rule would apply
 * @param idleTimeout    a connection with no traffic either way for this long is closed
 * @param connectTimeout how long to wait for the upstream to accept a connection
 * @param dissector      what the dissector keeps for display (--max-body)
 * @param ioThreads      event-loop threads; each connection lives on one
 * @param transport      the kernel interface the event loops use (AUTO: the best available)
 * @param save           also write what the proxy relayed as a pcap here (synthesised TCP around the plaintext), or null
 * @param keyLog         intercept mode: where both legs' TLS session keys are appended (--keylog), or null
 */
public record ProxyConfig(InetSocketAddress listen, HostAndPort upstream, TlsMode tls, ForgedCertificateAuthority mitmCa,
                          UpstreamTrust upstreamTrust, TamperRules rules, int maxRewriteBody, Duration idleTimeout,
                          Duration connectTimeout, DissectorOptions dissector, int ioThreads,
                          IoTransport transport, Path save, TlsKeyLog keyLog) {

    public static final int DEFAULT_MAX_REWRITE_BODY = 8 << 20;

    public ProxyConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(upstreamTrust, "upstreamTrust");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(dissector, "dissector");
        Objects.requireNonNull(transport, "transport");
        if (tls == TlsMode.INTERCEPT && mitmCa == null) {
            throw new IllegalArgumentException("intercept mode needs the MITM CA that forges certificates");
        }
        if (maxRewriteBody < 0) {
            throw new IllegalArgumentException("maxRewriteBody must not be negative");
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1");
        }
    }

    /** A reverse proxy: every client connection is relayed to {@code upstream}; TLS passed through; no rules. */
    public static ProxyConfig reverse(InetSocketAddress listen, HostAndPort upstream) {
        return new ProxyConfig(listen, Objects.requireNonNull(upstream, "upstream"), TlsMode.PASSTHROUGH, null,
                UpstreamTrust.systemDefault(), TamperRules.NONE, DEFAULT_MAX_REWRITE_BODY, Duration.ofSeconds(60),
                Duration.ofSeconds(10), DissectorOptions.defaults(), defaultIoThreads(), IoTransport.AUTO, null, null);
    }

    /** A forward proxy for clients configured to use it (curl -x, HTTPS_PROXY): absolute-form HTTP and CONNECT. */
    public static ProxyConfig forward(InetSocketAddress listen) {
        return new ProxyConfig(listen, null, TlsMode.PASSTHROUGH, null, UpstreamTrust.systemDefault(),
                TamperRules.NONE, DEFAULT_MAX_REWRITE_BODY, Duration.ofSeconds(60), Duration.ofSeconds(10),
                DissectorOptions.defaults(), defaultIoThreads(), IoTransport.AUTO, null, null);
    }

    /**
     * Half the processors: in a workshop the clients and servers share the machine with the proxy, and one event
     * loop already relays tens of thousands of requests a second (on 2 cores, 1 thread beat 2 under load).
     */
    public static int defaultIoThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public boolean isForward() {
        return upstream == null;
    }

    /** Terminates TLS from clients with certificates forged by {@code mitmCa}, and re-encrypts toward the upstream. */
    public ProxyConfig withIntercept(ForgedCertificateAuthority mitmCa, UpstreamTrust trust) {
        return new ProxyConfig(listen, upstream, TlsMode.INTERCEPT, Objects.requireNonNull(mitmCa, "mitmCa"),
                trust, rules, maxRewriteBody, idleTimeout, connectTimeout, dissector, ioThreads, transport, save, keyLog);
    }

    public ProxyConfig withPassthrough() {
        return new ProxyConfig(listen, upstream, TlsMode.PASSTHROUGH, null, upstreamTrust, rules, maxRewriteBody,
                idleTimeout, connectTimeout, dissector, ioThreads, transport, save, keyLog);
    }

    public ProxyConfig withRules(TamperRules rules) {
        return new ProxyConfig(listen, upstream, tls, mitmCa, upstreamTrust, rules, maxRewriteBody, idleTimeout,
                connectTimeout, dissector, ioThreads, transport, save, keyLog);
    }

    public ProxyConfig withMaxRewriteBody(int bytes) {
        return new ProxyConfig(listen, upstream, tls, mitmCa, upstreamTrust, rules, bytes, idleTimeout,
                connectTimeout, dissector, ioThreads, transport, save, keyLog);
    }

    public ProxyConfig withTimeouts(Duration idle, Duration connect) {
        return new ProxyConfig(listen, upstream, tls, mitmCa, upstreamTrust, rules, maxRewriteBody, idle, connect,
                dissector, ioThreads, transport, save, keyLog);
    }

    public ProxyConfig withSave(Path pcap) {
        return new ProxyConfig(listen, upstream, tls, mitmCa, upstreamTrust, rules, maxRewriteBody, idleTimeout,
                connectTimeout, dissector, ioThreads, transport, pcap, keyLog);
    }

    public ProxyConfig withIoThreads(int threads) {
        return new ProxyConfig(listen, upstream, tls, mitmCa, upstreamTrust, rules, maxRewriteBody, idleTimeout,
                connectTimeout, dissector, threads, transport, save, keyLog);
    }

    public ProxyConfig withTransport(IoTransport kind) {
        return new ProxyConfig(listen, upstream, tls, mitmCa, upstreamTrust, rules, maxRewriteBody, idleTimeout,
                connectTimeout, dissector, ioThreads, kind, save, keyLog);
    }

    /** Appends the session keys of both TLS legs (client ↔ proxy, proxy ↔ upstream) to this key log. */
    public ProxyConfig withKeyLog(TlsKeyLog log) {
        return new ProxyConfig(listen, upstream, tls, mitmCa, upstreamTrust, rules, maxRewriteBody, idleTimeout,
                connectTimeout, dissector, ioThreads, transport, save, log);
    }

    public ProxyConfig withDissector(DissectorOptions options) {
        return new ProxyConfig(listen, upstream, tls, mitmCa, upstreamTrust, rules, maxRewriteBody, idleTimeout,
                connectTimeout, options, ioThreads, transport, save, keyLog);
    }
}
