package analyzer.dissect;

import java.util.List;

/** A handshake message read from a TLS record. */
public sealed interface TlsHandshake {

    int CLIENT_HELLO = 1;
    int SERVER_HELLO = 2;
    int ENCRYPTED_EXTENSIONS = 8;
    int CERTIFICATE = 11;

    int type();

    /**
     * Reads a TLS 1.3 handshake message from its body (after the 4-byte type and length) whatever carried it: TLS
     * records or QUIC CRYPTO frames.
     */
    static TlsHandshake read(int type, byte[] body, int offset, int length) {
        return TlsHandshakeParser.parse(type, body, offset, length, true);
    }

    /**
     * Reads one handshake message body (after its 4-byte type and length) as the dissector does; what does not parse
     * comes back as {@link Other}. For a client that reads a server's answer itself ({@code check --probe}).
     *
     * @param tls13Format read a Certificate in the TLS 1.3 layout
     */
    static TlsHandshake read(int type, byte[] body, int offset, int length, boolean tls13Format) {
        return TlsHandshakeParser.parse(type, body, offset, length, tls13Format);
    }

    /** @param supportedVersions from the supported_versions extension, empty if absent */
    record ClientHello(int legacyVersion, String serverName, List<String> alpn, List<Integer> supportedVersions,
                       List<Integer> cipherSuites) implements TlsHandshake {
        public int type() {
            return CLIENT_HELLO;
        }
    }

    /** @param selectedVersion from supported_versions when present (TLS 1.3), else the legacy version */
    record ServerHello(int legacyVersion, int selectedVersion, int cipherSuite, String alpn)
            implements TlsHandshake {
        public int type() {
            return SERVER_HELLO;
        }
    }

    /** TLS 1.3's EncryptedExtensions, readable once decrypted: the application protocol the server chose. */
    record EncryptedExtensions(String alpn) implements TlsHandshake {
        public int type() {
            return ENCRYPTED_EXTENSIONS;
        }
    }

    record Certificates(List<CertificateSummary> chain) implements TlsHandshake {
        public int type() {
            return CERTIFICATE;
        }
    }

    /** Any other handshake message: only its type and length. */
    record Other(int type, int length) implements TlsHandshake {
    }

    /**
     * @param encoded the certificate's DER bytes as sent, for a closer look (its key, signature and names); empty
     *                when it could not be read
     */
    record CertificateSummary(String subject, String issuer, long notBeforeMillis, long notAfterMillis,
                              byte[] encoded) {

        public CertificateSummary(String subject, String issuer, long notBeforeMillis, long notAfterMillis) {
            this(subject, issuer, notBeforeMillis, notAfterMillis, new byte[0]);
        }
    }
}
