package analyzer.flow;

/**
 * One TCP connection as the tool numbers it: {@code id} counts connections in the order they were first seen
 * (printed as "#1"), starting at 1.
 */
public record Flow(int id, Endpoint client, Endpoint server) {

    public Endpoint source(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? client : server;
    }

    public Endpoint destination(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? server : client;
    }
}
