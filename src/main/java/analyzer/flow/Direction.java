package analyzer.flow;

/** Which way bytes travel within a connection; the client is the side that opened it (or, mid-stream, the higher port). */
public enum Direction {
    CLIENT_TO_SERVER,
    SERVER_TO_CLIENT;

    public Direction reverse() {
        return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
    }
}
