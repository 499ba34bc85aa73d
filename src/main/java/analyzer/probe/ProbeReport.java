package analyzer.probe;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What {@link ServiceProbe} found out by asking the service directly: facts only; whether they are good enough is
 * for the caller's policy to say.
 *
 * @param target      host:port as asked
 * @param plaintext   how the port answered a plaintext HTTP request
 * @param versions    TLS 1.0 to 1.3 in that order, each with the suites the server accepted with it (empty when it
 *                    refused the version); empty when TLS was not tried
 * @param certificate the server's certificate and whether it verifies, or null when no TLS version was accepted
 */
public record ProbeReport(String target, Plaintext plaintext, List<VersionSupport> versions,
                          CertificateCheck certificate) {

    /** How a port answered plaintext HTTP. */
    public enum PlaintextKind {
        /** A real answer (1xx-3xx): the service speaks plaintext HTTP. */
        SERVES,
        /** An HTTP error, a redirect to https://, a TLS alert, or a closed connection. */
        REFUSES,
        /** Nothing within the timeout, or bytes that are not HTTP. */
        SILENT
    }

    /** @param answer what it said, e.g. "HTTP/1.1 400 Bad Request (plain HTTP request sent to an HTTPS port)" */
    public record Plaintext(PlaintextKind kind, String answer) {
    }

    /**
     * @param version  0x0301 (TLS 1.0) … 0x0304 (TLS 1.3)
     * @param suites   accepted suites, the server's preferred first; empty when the version was refused
     * @param refusal  how the server refused the version ("alert protocol_version"), or null when accepted
     */
    public record VersionSupport(int version, List<Integer> suites, String refusal) {
        public boolean accepted() {
            return !suites.isEmpty();
        }
    }

    /**
     * @param trust       what it was verified against: "the JDK's trust store" or the --cacert file
     * @param verified    whether the chain leads to a trusted CA and is for the host (and within its dates)
     * @param explanation why it does not verify, in OpenSSL's words, or the leaf's subject and issuer when it does
     * @param chain       the server's certificates, leaf first; empty when none could be read
     * @param readWith    the TLS version of the handshake the chain was read from
     */
    public record CertificateCheck(String trust, boolean verified, String explanation, List<X509Certificate> chain,
                                   int readWith) {
    }

    /** The versions the server accepted. */
    public List<VersionSupport> accepted() {
        return versions.stream().filter(VersionSupport::accepted).toList();
    }
}
