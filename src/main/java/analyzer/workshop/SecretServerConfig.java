package analyzer.workshop;

import analyzer.pki.TlsKeyLog;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the secret server serves and how: where it listens, the secret, plain HTTP or TLS, the Fernet stage's key,
 * the members who may log in. Immutable; start from {@link #defaults()} and change what differs.
 *
 * @param host            address to bind, 127.0.0.1 by default (the workshop runs on one laptop)
 * @param port            TCP port, 0 for an ephemeral one
 * @param message         the secret served at {@code GET /}
 * @param tls             the certificate and key to serve HTTPS with, or null for plain HTTP
 * @param fernetKey       when set, {@code GET /} answers the secret as a Fernet token made with this key
 * @param members         who may log in at {@code POST /login}
 * @param maxSessions     sessions kept at most; the oldest login is forgotten first
 * @param sessionLifetime how long a session cookie stays valid
 * @param idleTimeout     a connection idle this long is closed, so idle clients cannot hold sockets forever
 */
public record SecretServerConfig(String host, int port, String message, TlsIdentity tls, String fernetKey,
        List<Member> members, int maxSessions, Duration sessionLifetime, Duration idleTimeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The tutorial's "weird port" (CoAP's registered port, which is why Wireshark mislabels the traffic). */
    public static final int DEFAULT_PORT = 5683;
    public static final String DEFAULT_MESSAGE = "fluffy tail";

    /**
     * The server's certificate chain (leaf first) and the leaf's private key, and how TLS is served with them.
     *
     * @param keyLog         where the server appends its session keys (--keylog, SSLKEYLOGFILE), or null
     * @param rsaKeyExchange TLS 1.2 with RSA key exchange only (TLS_RSA_WITH_*): no forward secrecy, for the
     *                       workshop's stolen-key stage; needs an RSA key
     */
    public record TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain, TlsKeyLog keyLog,
                              boolean rsaKeyExchange) {
        public TlsIdentity {
            Objects.requireNonNull(privateKey, "privateKey");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a TLS identity needs at least the server's certificate");
            }
        }

        public TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain) {
            this(privateKey, chain, null, false);
        }

        public X509Certificate certificate() {
            return chain.get(0);
        }

        /** The same identity, writing session keys to this key log. */
        public TlsIdentity withKeyLog(TlsKeyLog log) {
            return new TlsIdentity(privateKey, chain, log, rsaKeyExchange);
        }

        /** The same identity, served over TLS 1.2 with RSA key exchange only (no forward secrecy). */
        public TlsIdentity withRsaKeyExchange(boolean rsa) {
            return new TlsIdentity(privateKey, chain, keyLog, rsa);
        }
    }

    public SecretServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(message, "message");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (fernetKey != null) {
            new Fernet(fernetKey); // throws IllegalArgumentException with the fix when the key is malformed
        }
        members = List.copyOf(members);
        Set<String> names = new HashSet<>();
        for (Member m : members) {
            if (!names.add(m.username())) {
                throw new IllegalArgumentException("member " + m.username() + " is listed twice");
            }
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, not " + maxSessions);
        }
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** 127.0.0.1:5683, "fluffy tail", plain HTTP, no Fernet, the demo members. */
    public static SecretServerConfig defaults() {
        return new SecretServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MESSAGE, null, null, Member.DEMO,
                10_000, Duration.ofHours(1), Duration.ofSeconds(60));
    }

    public SecretServerConfig withHost(String host) {
        return new SecretServerConfig(host, port, message, tls, fernetKey, members, maxSessions, sessionLifetime,
                idleTimeout);
    }

    public SecretServerConfig withPort(int port) {
        return new SecretServerConfig(host, port, message, tls, fernetKey, members, maxSessions, sessionLifetime,
                idleTimeout);
    }

    public SecretServerConfig withMessage(String message) {
        return new SecretServerConfig(host, port, message, tls, fernetKey, members, maxSessions, sessionLifetime,
                idleTimeout);
    }

    /** Serve HTTPS with this identity (null: plain HTTP). */
    public SecretServerConfig withTls(TlsIdentity tls) {
        return new SecretServerConfig(host, port, message, tls, fernetKey, members, maxSessions, sessionLifetime,
                idleTimeout);
    }

    /** Answer {@code GET /} with a Fernet token (null: the secret in clear). */
    public SecretServerConfig withFernetKey(String fernetKey) {
        return new SecretServerConfig(host, port, message, tls, fernetKey, members, maxSessions, sessionLifetime,
                idleTimeout);
    }

    public SecretServerConfig withMembers(List<Member> members) {
        return new SecretServerConfig(host, port, message, tls, fernetKey, members, maxSessions, sessionLifetime,
                idleTimeout);
    }

    public SecretServerConfig withSessions(int maxSessions, Duration sessionLifetime) {
        return new SecretServerConfig(host, port, message, tls, fernetKey, members, maxSessions, sessionLifetime,
                idleTimeout);
    }

    public SecretServerConfig withIdleTimeout(Duration idleTimeout) {
        return new SecretServerConfig(host, port, message, tls, fernetKey, members, maxSessions, sessionLifetime,
                idleTimeout);
    }
}
