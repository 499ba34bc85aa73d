package analyzer.dissect;

import java.util.Arrays;

/** Reports bytes that no protocol claims: one event per delivered chunk, with a bounded preview. */
final class RawStreamDissector implements StreamDissector {

    private final StreamContext stream;
    private final int maxPreview;

    RawStreamDissector(StreamContext stream) {
        this.stream = stream;
        this.maxPreview = stream.options().maxRawPreview();
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (length <= 0) {
            return;
        }
        byte[] preview = Arrays.copyOfRange(data, offset, offset + Math.min(length, maxPreview));
        stream.sink().accept(new RawDataSeen(stream.flow(), stream.direction(), timestampMicros, framesOf(frame),
                length, preview));
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
    }

    @Override
    public void close() {
    }

    static Frames framesOf(long frame) {
        return frame > 0 ? Frames.of(frame) : Frames.NONE;
    }
}
