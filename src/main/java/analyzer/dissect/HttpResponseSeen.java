package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.ArrayList;
import java.util.List;

/**
 * A response, paired with the request it answers when that request was seen: {@code requestMethod} and
 * {@code requestUri} are null otherwise and {@code requestTimestampMicros} is -1.
 */
public record HttpResponseSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                               String version, int code, String phrase, List<HttpHeader> headers, HttpBody body,
                               String requestMethod, String requestUri, long requestTimestampMicros)
        implements Event, CarriesContent {

    /** The headers and the decoded body. */
    @Override
    public List<ContentView> contentViews() {
        List<ContentView> views = new ArrayList<>(2);
        views.add(ContentView.fields("response headers", headers));
        if (body.length() > 0) {
            views.add(body.view("response body", headers));
        }
        return views;
    }
}
