package analyzer.dissect;

import analyzer.dissect.http2.Http2Stream;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.ArrayList;
import java.util.List;

/**
 * A response, HTTP/1.x or HTTP/2, paired with the request it answers when that request was seen:
 * {@code requestMethod} and {@code requestUri} are null otherwise and {@code requestTimestampMicros} is -1.
 * For HTTP/2 {@code version} is "HTTP/2", {@code phrase} the standard reason phrase of the code (HTTP/2 sends
 * none), and {@code http2} carries the stream id, trailers and any gRPC messages and status; null for HTTP/1.x.
 */
public record HttpResponseSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                               String version, int code, String phrase, List<HttpHeader> headers, HttpBody body,
                               String requestMethod, String requestUri, long requestTimestampMicros,
                               Http2Stream http2) implements Event, CarriesContent {

    /** An HTTP/1.x response. */
    public HttpResponseSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, String version,
                            int code, String phrase, List<HttpHeader> headers, HttpBody body, String requestMethod,
                            String requestUri, long requestTimestampMicros) {
        this(flow, direction, timestampMicros, frames, version, code, phrase, headers, body, requestMethod,
                requestUri, requestTimestampMicros, null);
    }

    /** The headers and the decoded body (for HTTP/2 also the trailers, and each gRPC message). */
    @Override
    public List<ContentView> contentViews() {
        List<ContentView> views = new ArrayList<>(2);
        views.add(http2 == null ? ContentView.fields("response headers", headers)
                : Http2Stream.headersView("response headers", headers, flow));
        if (body.length() > 0 && (http2 == null || http2.grpc() == null)) {
            views.add(body.view("response body", headers));
        }
        if (http2 != null) {
            http2.addViews("response", flow, views);
        }
        return views;
    }
}
