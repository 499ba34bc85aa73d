package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.List;

/**
 * A response, paired with the request it answers when that request was seen: {@code requestMethod} and
 * {@code requestUri} are null otherwise and {@code requestTimestampMicros} is -1.
 */
public record HttpResponseSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                               String version, int code, String phrase, List<HttpHeader> headers, HttpBody body,
                               String requestMethod, String requestUri, long requestTimestampMicros)
        implements Event {
}
