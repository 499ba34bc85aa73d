package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public record HttpRequestSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                              String method, String uri, String version, List<HttpHeader> headers,
                              HttpBody body) implements Event, CarriesContent {

    /** The headers, the URL (and its query string on its own, as a form) and the decoded body. */
    @Override
    public List<ContentView> contentViews() {
        List<ContentView> views = new ArrayList<>(4);
        views.add(ContentView.fields("request headers", headers));
        views.add(ContentView.plain("URL", uri.getBytes(StandardCharsets.UTF_8), null));
        int query = uri.indexOf('?');
        if (query >= 0 && query + 1 < uri.length()) {
            int fragment = uri.indexOf('#', query);
            String q = uri.substring(query + 1, fragment < 0 ? uri.length() : fragment);
            views.add(ContentView.plain("URL", q.getBytes(StandardCharsets.UTF_8), ContentView.FORM));
        }
        if (body.length() > 0) {
            views.add(body.view("request body", headers));
        }
        return views;
    }
}
