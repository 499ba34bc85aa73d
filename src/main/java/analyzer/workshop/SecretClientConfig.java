package analyzer.workshop;

import analyzer.pki.TlsKeyLog;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the secret client decides whom to believe, and how long it waits.
 *
 * @param trust      where the certificates the client accepts come from
 * @param pinnedCas  with {@link Trust#PINNED}: the only CA certificates trusted (the club's own CA)
 * @param timeout    for the whole exchange: connect, TLS handshake, request and response
 * @param fernetKey  when set, bodies are Fernet tokens to decrypt with this key ({@link SecretClient#message})
 * @param maxBody    largest response body accepted, in bytes
 * @param keyLog     where the client appends its TLS session keys (--keylog, SSLKEYLOGFILE), or null
 */
public record SecretClientConfig(Trust trust, List<X509Certificate> pinnedCas, Duration timeout, String fernetKey,
        int maxBody, TlsKeyLog keyLog) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_BODY = 16 << 20;

    /** Where the certificates the client accepts come from. */
    public enum Trust {
        /** The JDK's trust store, as a browser or curl without options: a self-made CA is not in it. */
        SYSTEM,
        /** Only the given CA certificates (curl --cacert, requests' verify="ca.pem"); hostnames checked. */
        PINNED,
        /** Anything, hostname included (curl --insecure): the careless client a forged certificate fools. */
        INSECURE
    }

    public SecretClientConfig {
        Objects.requireNonNull(trust, "trust");
        pinnedCas = pinnedCas == null ? List.of() : List.copyOf(pinnedCas);
        if (trust == Trust.PINNED && pinnedCas.isEmpty()) {
            throw new IllegalArgumentException("a pinned client needs at least one CA certificate");
        }
        if (trust != Trust.PINNED && !pinnedCas.isEmpty()) {
            throw new IllegalArgumentException("CA certificates are only used with Trust.PINNED");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        if (fernetKey != null) {
            new Fernet(fernetKey); // throws IllegalArgumentException with the fix when the key is malformed
        }
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must be 0 or more, not " + maxBody);
        }
    }

    /** Trusts the JDK's default trust store. */
    public static SecretClientConfig system() {
        return new SecretClientConfig(Trust.SYSTEM, List.of(), DEFAULT_TIMEOUT, null, DEFAULT_MAX_BODY, null);
    }

    /** Trusts only these CA certificates, hostname verification on. */
    public static SecretClientConfig pinned(List<X509Certificate> cas) {
        return new SecretClientConfig(Trust.PINNED, cas, DEFAULT_TIMEOUT, null, DEFAULT_MAX_BODY, null);
    }

    /** Trusts any certificate for any host. */
    public static SecretClientConfig insecure() {
        return new SecretClientConfig(Trust.INSECURE, List.of(), DEFAULT_TIMEOUT, null, DEFAULT_MAX_BODY, null);
    }

    public SecretClientConfig withTimeout(Duration timeout) {
        return new SecretClientConfig(trust, pinnedCas, timeout, fernetKey, maxBody, keyLog);
    }

    public SecretClientConfig withFernetKey(String fernetKey) {
        return new SecretClientConfig(trust, pinnedCas, timeout, fernetKey, maxBody, keyLog);
    }

    public SecretClientConfig withMaxBody(int maxBody) {
        return new SecretClientConfig(trust, pinnedCas, timeout, fernetKey, maxBody, keyLog);
    }

    /** Writes the session keys of every TLS connection to this key log (Netty's OpenSSL engine then). */
    public SecretClientConfig withKeyLog(TlsKeyLog keyLog) {
        return new SecretClientConfig(trust, pinnedCas, timeout, fernetKey, maxBody, keyLog);
    }
}
