package analyzer.dissect;

import java.util.List;

/**
 * What the TLS dissectors of a connection learn that changes how the other direction is read, and what a dissector
 * of the decrypted stream needs: the version and the application protocol (ALPN) the handshake chose. Kept in the
 * {@link ConnectionContext}: {@code connection.findState(TlsConnectionState.class)}.
 */
public final class TlsConnectionState {

    /**
     * Set once a ServerHello selects TLS 1.3. From then on every encrypted record travels as application_data,
     * so a record of another type is plaintext (e.g. the middlebox-compatibility ChangeCipherSpec, or an alert a
     * client sends before it has keys), and a ChangeCipherSpec no longer means "encrypted from here on".
     */
    boolean tls13;
    private List<String> offeredAlpn = List.of();
    private String selectedAlpn;
    private TlsHandshake.ClientHello clientHello;
    private TlsHandshake.ServerHello serverHello;

    void saw(TlsHandshake h) {
        if (h instanceof TlsHandshake.ClientHello c) {
            clientHello = c;
            offeredAlpn = c.alpn();
        } else if (h instanceof TlsHandshake.EncryptedExtensions e) {
            selectedAlpn = e.alpn(); // TLS 1.3 says it here, encrypted: known only with the keys
        } else if (h instanceof TlsHandshake.ServerHello s) {
            serverHello = s;
            selectedAlpn = s.alpn();
            if (s.selectedVersion() == 0x0304) {
                tls13 = true;
            }
        }
    }

    /** Whether the ServerHello chose TLS 1.3. */
    public boolean tls13() {
        return tls13;
    }

    /** The application protocols the client offered (ALPN), in its order; empty if none. */
    public List<String> offeredAlpn() {
        return offeredAlpn;
    }

    /**
     * The application protocol the server chose ("h2", "http/1.1"), or null: give it to {@link Protocols#forAlpn}
     * to dissect the decrypted stream.
     */
    public String selectedAlpn() {
        return selectedAlpn;
    }

    /** The ClientHello of this connection, or null if it was not seen. */
    public TlsHandshake.ClientHello clientHello() {
        return clientHello;
    }

    /** The ServerHello of this connection, or null if it was not seen. */
    public TlsHandshake.ServerHello serverHello() {
        return serverHello;
    }
}
