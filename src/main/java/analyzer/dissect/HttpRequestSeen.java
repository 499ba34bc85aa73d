package analyzer.dissect;

import analyzer.dissect.http2.Http2Stream;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request, HTTP/1.x or HTTP/2. For HTTP/2 {@code version} is "HTTP/2", {@code uri} the {@code :path},
 * {@code headers} every field of the header block in order (pseudo-headers first), and {@code http2} carries the
 * stream id, trailers and any gRPC messages; it is null for HTTP/1.x.
 */
public record HttpRequestSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                              String method, String uri, String version, List<HttpHeader> headers,
                              HttpBody body, Http2Stream http2) implements Event, CarriesContent {

    /** An HTTP/1.x request. */
    public HttpRequestSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, String method,
                           String uri, String version, List<HttpHeader> headers, HttpBody body) {
        this(flow, direction, timestampMicros, frames, method, uri, version, headers, body, null);
    }

    /** The headers, the URL (and its query string on its own, as a form) and the decoded body. */
    @Override
    public List<ContentView> contentViews() {
        List<ContentView> views = new ArrayList<>(4);
        views.add(http2 == null ? ContentView.fields("request headers", headers)
                : Http2Stream.headersView("request headers", headers, flow));
        if (uri != null) {
            views.add(ContentView.plain("URL", uri.getBytes(StandardCharsets.UTF_8), null));
            int query = uri.indexOf('?');
            if (query >= 0 && query + 1 < uri.length()) {
                int fragment = uri.indexOf('#', query);
                String q = uri.substring(query + 1, fragment < 0 ? uri.length() : fragment);
                views.add(ContentView.plain("URL", q.getBytes(StandardCharsets.UTF_8), ContentView.FORM));
            }
        }
        if (body.length() > 0 && (http2 == null || http2.grpc() == null)) {
            views.add(body.view("request body", headers));
        }
        if (http2 != null) {
            http2.addViews("request", flow, views);
        }
        return views;
    }
}
