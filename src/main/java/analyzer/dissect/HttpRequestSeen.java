package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.List;

public record HttpRequestSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                              String method, String uri, String version, List<HttpHeader> headers,
                              HttpBody body) implements Event {
}
