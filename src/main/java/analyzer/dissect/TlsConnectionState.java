package analyzer.dissect;

/** What one direction of a TLS connection learns that changes how the other is read. */
final class TlsConnectionState {

    /**
     * Set once a ServerHello selects TLS 1.3. From then on every encrypted record travels as application_data,
     * so a record of another type is plaintext (e.g. the middlebox-compatibility ChangeCipherSpec, or an alert a
     * client sends before it has keys), and a ChangeCipherSpec no longer means "encrypted from here on".
     */
    boolean tls13;
}
