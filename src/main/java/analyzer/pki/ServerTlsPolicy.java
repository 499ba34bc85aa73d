package analyzer.pki;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;

/**
 * How the tool's TLS servers — the secret server and the proxy presenting forged certificates — negotiate: TLS 1.3
 * and 1.2 only; under TLS 1.2 only ECDHE key exchange (forward secrecy) with AEAD ciphers (AES-GCM,
 * ChaCha20-Poly1305), none of the CBC suites testssl.sh flags (LUCKY13); and no renegotiation started by a client
 * (a cheap way to make a server do handshake work, and the root of old renegotiation attacks).
 */
public final class ServerTlsPolicy {

    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** In the order the server prefers them: the JDK takes the server's order. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The JDK's switch, read once when its first server handshake begins (sun.security.ssl.ServerHandshakeContext). */
    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    static {
        rejectClientInitiatedRenegotiation();
    }

    private ServerTlsPolicy() {
    }

    /**
     * Makes the JDK refuse a renegotiation a client starts (a fatal handshake_failure alert). The JDK reads the
     * setting once, when its first server-side handshake begins: the command line calls this before anything else,
     * and building a context through {@link #apply} calls it too, for programs that embed the servers.
     */
    public static void rejectClientInitiatedRenegotiation() {
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
    }

    /** The protocols and cipher suites above, on a server context about to be built. */
    public static SslContextBuilder apply(SslContextBuilder server) {
        return server.protocols(PROTOCOLS).ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE);
    }
}
