package analyzer.dissect;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Flow;

/** Both directions of one connection, and what they share: requests awaiting responses, the TLS version. */
final class ConnectionDissector implements ConnectionListener {

    private final DirectionDissector clientToServer;
    private final DirectionDissector serverToClient;
    private boolean closed;

    ConnectionDissector(Flow flow, EventSink sink, DissectorOptions options) {
        PendingRequests pending = new PendingRequests();
        TlsConnectionState tls = new TlsConnectionState();
        this.clientToServer = new DirectionDissector(flow, Direction.CLIENT_TO_SERVER, sink, options, pending, tls);
        this.serverToClient = new DirectionDissector(flow, Direction.SERVER_TO_CLIENT, sink, options, pending, tls);
        clientToServer.pairWith(serverToClient);
        serverToClient.pairWith(clientToServer);
    }

    @Override
    public void onData(Direction direction, byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (!closed) {
            of(direction).data(data, offset, length, frame, timestampMicros);
        }
    }

    @Override
    public void onGap(Direction direction, long missingBytes, long frame, long timestampMicros) {
        if (!closed) {
            of(direction).gap(missingBytes, frame, timestampMicros);
        }
    }

    @Override
    public void onClose(CloseReason reason, long frame, long timestampMicros) {
        if (closed) {
            return;
        }
        closed = true;
        clientToServer.close();
        serverToClient.close();
    }

    private DirectionDissector of(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? clientToServer : serverToClient;
    }
}
