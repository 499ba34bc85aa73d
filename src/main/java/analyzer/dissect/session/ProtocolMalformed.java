package analyzer.dissect.session;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * Bytes a session protocol's dissector could not read within its bounds (an endless line, a message longer than
 * the protocol allows); the rest of the direction is reported raw and the capture goes on.
 */
public record ProtocolMalformed(Flow flow, Direction direction, long timestampMicros, Frames frames, String protocol,
                                String reason) implements Event {
}
