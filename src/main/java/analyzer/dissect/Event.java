package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * Something the dissector saw in a stream. Events are immutable and carry where they came from: the
 * connection, the direction, the time of the first byte (microseconds since the epoch) and the frames.
 */
public sealed interface Event
        permits HttpRequestSeen, HttpResponseSeen, HttpMalformed, TlsRecordSeen, RawDataSeen, StreamGap {

    Flow flow();

    Direction direction();

    long timestampMicros();

    Frames frames();
}
