package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * Something a dissector saw in a stream. Events are immutable records and carry where they came from: the
 * connection, the direction, the time of the first byte (microseconds since the epoch) and the frames.
 *
 * <p>Not sealed: a protocol family keeps its events in its own package. The printers, the counter and the verdict
 * in {@code report/} handle the types they know and pass over the others.
 */
public interface Event {

    Flow flow();

    Direction direction();

    long timestampMicros();

    Frames frames();
}
