package analyzer.workshop;

import analyzer.pki.CertificateRejection;
import analyzer.report.SummaryLine;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.security.auth.x500.X500Principal;

/**
 * Why the secret client got no answer, in the words curl and OpenSSL use ("certificate verify failed: unable to
 * get local issuer certificate") rather than the JDK's ("PKIX path building failed …"): one line, plus a hint that
 * names the certificates involved when that explains it.
 */
public final class ClientFailure extends Exception {

    /** What went wrong. */
    public enum Kind {
        /** The server's certificate was not issued by a trusted (pinned) CA: the forged certificate case. */
        CERTIFICATE_UNTRUSTED,
        /** The certificate is valid but for other names than the host in the URL. */
        CERTIFICATE_WRONG_HOST,
        CERTIFICATE_EXPIRED,
        CERTIFICATE_NOT_YET_VALID,
        /** Any other reason the certificate was refused (bad signature, unusable key, …). */
        CERTIFICATE_REJECTED,
        /** The TLS handshake failed for a reason other than the certificate (alert, no common version, not TLS). */
        TLS_HANDSHAKE,
        CONNECTION_REFUSED,
        UNKNOWN_HOST,
        /** Nothing, or not all, within the timeout. */
        TIMEOUT,
        /** The connection closed before a whole answer came. */
        CONNECTION_CLOSED,
        /** The answer was not HTTP, or too large. */
        BAD_RESPONSE,
        /** The answer was an HTTP error status where success was needed (login refused, 404, …). */
        HTTP_STATUS,
        /** The URL cannot be fetched (no host, not http or https). */
        BAD_URL,
        /** Anything else: an I/O error the above do not name. */
        OTHER;

        /** The client refused the server's certificate: the check worked, the server is not who it claims. */
        public boolean certificateRejected() {
            return this == CERTIFICATE_UNTRUSTED || this == CERTIFICATE_WRONG_HOST || this == CERTIFICATE_EXPIRED
                    || this == CERTIFICATE_NOT_YET_VALID || this == CERTIFICATE_REJECTED;
        }
    }

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Kind kind;
    private final String hint;
    private final List<X509Certificate> serverCertificates;
    private final ClientResponse response;

    ClientFailure(Kind kind, String message, String hint, List<X509Certificate> serverCertificates,
            ClientResponse response, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.hint = hint;
        this.serverCertificates = List.copyOf(serverCertificates);
        this.response = response;
    }

    public Kind kind() {
        return kind;
    }

    /** A second line that explains or says how to fix it, or null. */
    public String hint() {
        return hint;
    }

    /** The chain the server presented, leaf first; empty when none was seen. */
    public List<X509Certificate> serverCertificates() {
        return serverCertificates;
    }

    /** With {@link Kind#HTTP_STATUS}: the answer; otherwise null. */
    public ClientResponse response() {
        return response;
    }

    static ClientFailure badUrl(URI url, String why) {
        return new ClientFailure(Kind.BAD_URL, "cannot fetch '" + url + "': " + why,
                "Give a URL such as http://127.0.0.1:5683/ or https://localhost:5683/.", List.of(), null, null);
    }

    static ClientFailure timeout(String where, String phase, java.time.Duration timeout) {
        return new ClientFailure(Kind.TIMEOUT, "no answer from " + where + " within " + SummaryLine.duration(timeout) + " ("
                + phase + ")", "Is the server up and reachable? A longer --timeout waits more.", List.of(), null,
                null);
    }

    /** The failure of a request answered with an error status; the hint quotes the first line of the body. */
    public static ClientFailure status(URI url, ClientResponse response) {
        String body = response.text().strip();
        int eol = body.indexOf('\n');
        String first = eol < 0 ? body : body.substring(0, eol);
        return new ClientFailure(Kind.HTTP_STATUS, url + " answered " + response.status() + " "
                + response.reason(), first.isEmpty() ? null : "the server says: " + shorten(first, 160),
                response.tls() == null ? List.of() : response.tls().serverCertificates(), response, null);
    }

    /**
     * Explains a failed exchange.
     *
     * @param where     host:port as the user gave it
     * @param host      the host name the certificate had to match
     * @param presented the chain the server presented (recorded during the handshake), or empty
     */
    static ClientFailure of(Throwable failure, String where, String host, List<X509Certificate> presented,
            SecretClientConfig config) {
        Optional<CertificateRejection> rejection = CertificateRejection.of(failure);
        if (rejection.isPresent()) {
            CertificateRejection r = rejection.get();
            return switch (r) {
                case EXPIRED -> certificate(Kind.CERTIFICATE_EXPIRED, r.openSslWords(), expiry(presented, true),
                        presented, failure);
                case NOT_YET_VALID -> certificate(Kind.CERTIFICATE_NOT_YET_VALID, r.openSslWords(),
                        expiry(presented, false), presented, failure);
                case WRONG_HOST -> certificate(Kind.CERTIFICATE_WRONG_HOST, "certificate is for " + names(presented)
                        + ", not for host " + host, wrongHostHint(presented), presented, failure);
                case UNTRUSTED -> certificate(Kind.CERTIFICATE_UNTRUSTED, CertificateRejection.untrustedWords(presented),
                        untrustedHint(presented, config), presented, failure);
            };
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof UnknownHostException) {
                return plain(Kind.UNKNOWN_HOST, "cannot resolve host '" + host + "'",
                        "Check the host name in the URL.", failure);
            }
            if (t instanceof ConnectTimeoutException) {
                return timeout(where, "connecting", config.timeout());
            }
            if (t instanceof ConnectException) {
                boolean refused = m.toLowerCase(Locale.ROOT).contains("refused");
                return plain(refused ? Kind.CONNECTION_REFUSED : Kind.OTHER, "cannot connect to " + where + ": "
                        + (refused ? "connection refused" : firstClause(m)),
                        refused ? "Is the server running there? (analyzer server)" : null, failure);
            }
            if (t instanceof SslHandshakeTimeoutException) {
                return timeout(where, "during the TLS handshake", config.timeout());
            }
            if (t instanceof NotSslRecordException || m.contains("Unsupported or unrecognized SSL message")) {
                return plain(Kind.TLS_HANDSHAKE, where + " did not answer in TLS",
                        "It looks like a plain HTTP server: try http:// instead of https://.", failure);
            }
            int alert = m.indexOf("Received fatal alert: ");
            if (alert >= 0) {
                String name = m.substring(alert + "Received fatal alert: ".length()).trim();
                return plain(Kind.TLS_HANDSHAKE, "TLS handshake with " + where + " failed: the server sent alert "
                        + name, name.equals("handshake_failure") || name.equals("protocol_version")
                        ? "The server and this client share no TLS version or cipher suite (this client speaks"
                        + " TLS 1.2 and 1.3)." : null, failure);
            }
            if (t instanceof javax.net.ssl.SSLHandshakeException && m.contains("certificate")) {
                return certificate(Kind.CERTIFICATE_REJECTED, firstClause(m), null, presented, failure);
            }
            if (t instanceof TooLongFrameException) {
                return plain(Kind.BAD_RESPONSE, where + " sent an answer too large: " + firstClause(m), null, failure);
            }
        }
        if (root instanceof ClosedChannelException || root instanceof java.io.EOFException) {
            return plain(Kind.CONNECTION_CLOSED, where + " closed the connection without an answer", null, failure);
        }
        if (root instanceof SSLException) {
            return plain(Kind.TLS_HANDSHAKE, "TLS with " + where + " failed: " + firstClause(root.getMessage()), null,
                    failure);
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : firstClause(root.getMessage());
        return plain(Kind.OTHER, "request to " + where + " failed: " + m, null, failure);
    }

    private static ClientFailure certificate(Kind kind, String what, String hint, List<X509Certificate> presented,
            Throwable cause) {
        return new ClientFailure(kind, "certificate verify failed: " + what, hint, presented, null, cause);
    }

    private static ClientFailure plain(Kind kind, String message, String hint, Throwable cause) {
        return new ClientFailure(kind, message, hint, List.of(), null, cause);
    }

    private static String untrustedHint(List<X509Certificate> presented, SecretClientConfig config) {
        if (presented.isEmpty()) {
            return null;
        }
        X509Certificate leaf = presented.get(0);
        String subject = name(leaf.getSubjectX500Principal());
        boolean selfSigned = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
        String issued = selfSigned ? "server certificate " + subject + " is self-signed"
                : "server certificate " + subject + " was issued by " + name(leaf.getIssuerX500Principal());
        if (config.trust() == SecretClientConfig.Trust.PINNED) {
            List<String> pinned = new ArrayList<>();
            for (X509Certificate ca : config.pinnedCas()) {
                pinned.add(name(ca.getSubjectX500Principal()));
            }
            return issued + ", not by the pinned CA " + String.join(" or ", pinned);
        }
        return issued + (selfSigned ? ", which" : ", a CA") + " the JDK's trust store does not know"
                + " (trust your own CA with --cacert FILE)";
    }

    private static String wrongHostHint(List<X509Certificate> presented) {
        if (presented.isEmpty()) {
            return null;
        }
        X509Certificate leaf = presented.get(0);
        return "server certificate " + name(leaf.getSubjectX500Principal()) + " issued by "
                + name(leaf.getIssuerX500Principal()) + "; ask for a name it lists in the URL";
    }

    private static String expiry(List<X509Certificate> presented, boolean expired) {
        Date now = new Date();
        for (int i = 0; i < presented.size(); i++) {
            X509Certificate c = presented.get(i);
            boolean out = expired ? c.getNotAfter().before(now) : c.getNotBefore().after(now);
            if (out) {
                String which = i == 0 ? "server certificate " : "certificate ";
                return which + name(c.getSubjectX500Principal()) + " is valid from "
                        + WHEN.format(c.getNotBefore().toInstant()) + " to " + WHEN.format(c.getNotAfter().toInstant())
                        + "; it is now " + WHEN.format(Instant.now());
            }
        }
        return null;
    }

    /** The names the certificate is for, as OpenSSL prints them: {@code DNS:localhost, IP:127.0.0.1}. */
    private static String names(List<X509Certificate> presented) {
        if (presented.isEmpty()) {
            return "other names";
        }
        List<String> names = new ArrayList<>();
        for (String san : CertificateNames.subjectAltNames(presented.get(0))) {
            if (san.startsWith("DNS:") || san.startsWith("IP:")) {
                names.add(san);
            }
        }
        return names.isEmpty() ? "no host name (it has no subject alternative names)" : String.join(", ", names);
    }

    private static String name(X500Principal principal) {
        return CertificateNames.shortName(principal);
    }

    private static String firstClause(String message) {
        if (message == null) {
            return "unknown reason";
        }
        int eol = message.indexOf('\n');
        return shorten(eol < 0 ? message : message.substring(0, eol), 200);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

}
