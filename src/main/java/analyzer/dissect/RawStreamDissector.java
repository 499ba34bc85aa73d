package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.Arrays;

/** Reports bytes that are neither HTTP nor TLS: one event per delivered chunk, with a bounded preview. */
final class RawStreamDissector {

    private final Flow flow;
    private final Direction direction;
    private final EventSink sink;
    private final int maxPreview;

    RawStreamDissector(Flow flow, Direction direction, EventSink sink, int maxPreview) {
        this.flow = flow;
        this.direction = direction;
        this.sink = sink;
        this.maxPreview = maxPreview;
    }

    void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (length <= 0) {
            return;
        }
        byte[] preview = Arrays.copyOfRange(data, offset, offset + Math.min(length, maxPreview));
        sink.accept(new RawDataSeen(flow, direction, timestampMicros, framesOf(frame), length, preview));
    }

    static Frames framesOf(long frame) {
        return frame > 0 ? Frames.of(frame) : Frames.NONE;
    }
}
