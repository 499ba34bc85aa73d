package analyzer.flow;

/**
 * One TCP connection or UDP flow as the tool numbers it: {@code id} counts flows of either kind in the order they
 * were first seen (printed as "#1"), starting at 1. For UDP the client is the side that sent first (unless that
 * side used a well-known port and the other did not: a capture that began with an answer).
 *
 * @param insideTls whether this is the connection as seen inside its TLS, decrypted with keys: events of such a
 *                  flow were not readable on the wire
 */
public record Flow(int id, Endpoint client, Endpoint server, Transport transport, boolean insideTls) {

    /** What carries the flow's bytes. */
    public enum Transport { TCP, UDP }

    /** A TCP connection. */
    public Flow(int id, Endpoint client, Endpoint server) {
        this(id, client, server, Transport.TCP, false);
    }

    public Flow(int id, Endpoint client, Endpoint server, Transport transport) {
        this(id, client, server, transport, false);
    }

    public boolean udp() {
        return transport == Transport.UDP;
    }

    public Endpoint source(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? client : server;
    }

    public Endpoint destination(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? server : client;
    }

    /** The same connection, for what its TLS carried once decrypted. */
    public Flow decryptedView() {
        return new Flow(id, client, server, transport, true);
    }
}
