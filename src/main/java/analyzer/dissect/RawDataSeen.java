package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/** Bytes of a stream that is neither HTTP nor TLS. {@code preview} holds the first bytes of {@code length}. */
public record RawDataSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, long length,
                          byte[] preview) implements Event {
}
