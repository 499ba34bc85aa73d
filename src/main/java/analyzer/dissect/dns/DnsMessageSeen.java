package analyzer.dissect.dns;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.flow.Direction;
import analyzer.flow.Flow;

/** One DNS query or answer: the names it asks about travel in clear, which is worth knowing but not a failure. */
public record DnsMessageSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, DnsMessage message)
        implements Event {
}
