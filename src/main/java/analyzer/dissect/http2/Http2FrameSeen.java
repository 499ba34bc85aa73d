package analyzer.dissect.http2;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.List;

/**
 * An HTTP/2 frame that is not part of a message: SETTINGS, PING, GOAWAY, RST_STREAM, WINDOW_UPDATE, PRIORITY,
 * PUSH_PROMISE, or a frame type the protocol does not define. Shown with {@code --layers}; messages themselves are
 * {@code HttpRequestSeen}/{@code HttpResponseSeen}.
 *
 * @param type   the frame type's name ("SETTINGS"), or "UNKNOWN_0xNN"
 * @param fields what the frame says, named as tshark names them ("http2.settings.max_concurrent_streams",
 *               "http2.rst_stream.error", "http2.goaway.last_stream_id", …), in frame order
 */
public record Http2FrameSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, String type,
                             int streamId, int flags, int length, List<Field> fields) implements Event {

    public record Field(String name, String value) {
    }

    public static final int ACK = 0x1;
}
