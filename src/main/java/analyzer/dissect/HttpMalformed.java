package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/** HTTP that could not be parsed; the dissector resynchronises and goes on. */
public record HttpMalformed(Flow flow, Direction direction, long timestampMicros, Frames frames, String reason)
        implements Event {
}
