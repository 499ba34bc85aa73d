package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/** Bytes missing from a stream (not captured, lost, or skipped when reassembly buffers were full). */
public record StreamGap(Flow flow, Direction direction, long timestampMicros, Frames frames, long missingBytes)
        implements Event {
}
