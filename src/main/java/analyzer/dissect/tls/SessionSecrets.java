package analyzer.dissect.tls;

/**
 * What key logs know about one TLS connection, found by its client random. Lines arrive one by one (a client logs
 * its TLS 1.3 handshake secrets before its traffic secrets), so fields fill in over time; readers see each field
 * whole or not at all.
 */
public final class SessionSecrets {

    /** TLS 1.0-1.2: CLIENT_RANDOM, the 48-byte master secret. */
    volatile byte[] masterSecret;
    volatile byte[] clientEarlyTraffic;
    volatile byte[] clientHandshakeTraffic;
    volatile byte[] serverHandshakeTraffic;
    volatile byte[] clientTraffic0;
    volatile byte[] serverTraffic0;

    public byte[] masterSecret() {
        return masterSecret;
    }

    public byte[] clientEarlyTraffic() {
        return clientEarlyTraffic;
    }

    public byte[] clientHandshakeTraffic() {
        return clientHandshakeTraffic;
    }

    public byte[] serverHandshakeTraffic() {
        return serverHandshakeTraffic;
    }

    public byte[] clientTraffic0() {
        return clientTraffic0;
    }

    public byte[] serverTraffic0() {
        return serverTraffic0;
    }

    /** Sets the field a key log label names; false for a label that carries nothing we use. */
    boolean set(String label, byte[] secret) {
        switch (label) {
            case "CLIENT_RANDOM" -> masterSecret = secret;
            case "CLIENT_EARLY_TRAFFIC_SECRET" -> clientEarlyTraffic = secret;
            case "CLIENT_HANDSHAKE_TRAFFIC_SECRET" -> clientHandshakeTraffic = secret;
            case "SERVER_HANDSHAKE_TRAFFIC_SECRET" -> serverHandshakeTraffic = secret;
            case "CLIENT_TRAFFIC_SECRET_0" -> clientTraffic0 = secret;
            case "SERVER_TRAFFIC_SECRET_0" -> serverTraffic0 = secret;
            default -> {
                return false;
            }
        }
        return true;
    }
}
