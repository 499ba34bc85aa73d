package analyzer.flow;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records what the reassembler delivers, per connection and direction. */
final class RecordingListener implements ConnectionListenerFactory {

    final List<Conn> connections = new ArrayList<>();

    @Override
    public ConnectionListener open(Flow flow, long frame, long timestampMicros) {
        Conn c = new Conn(flow);
        connections.add(c);
        return c;
    }

    static final class Conn implements ConnectionListener {
        final Flow flow;
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final List<String> log = new ArrayList<>();
        final List<Long> frames = new ArrayList<>();
        CloseReason closed;

        Conn(Flow flow) {
            this.flow = flow;
        }

        @Override
        public void onData(Direction direction, byte[] data, int offset, int length, long frame, long ts) {
            (direction == Direction.CLIENT_TO_SERVER ? toServer : toClient).write(data, offset, length);
            log.add(direction.name().charAt(0) + ":" + new String(data, offset, length, StandardCharsets.ISO_8859_1));
            frames.add(frame);
        }

        @Override
        public void onGap(Direction direction, long missingBytes, long frame, long ts) {
            log.add(direction.name().charAt(0) + ":gap " + missingBytes);
        }

        @Override
        public void onClose(CloseReason reason, long frame, long ts) {
            if (closed != null) {
                throw new AssertionError("closed twice");
            }
            closed = reason;
        }

        String client() {
            return toServer.toString(StandardCharsets.ISO_8859_1);
        }

        String server() {
            return toClient.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
