package analyzer.dissect.http2;

import analyzer.dissect.ContentView;
import analyzer.dissect.HttpHeader;
import analyzer.flow.Flow;
import java.util.List;

/**
 * What an HTTP/2 message adds to an HTTP/1 one: the stream it travelled on, its trailers (a header block after
 * the body; gRPC puts its status there), and, for gRPC, the call and its messages.
 *
 * @param grpc null unless the message is gRPC ({@code content-type: application/grpc…})
 */
public record Http2Stream(int streamId, List<HttpHeader> trailers, GrpcMessages grpc) {

    /** Header fields as HPACK carried them: a secret in them is not in any wire byte as such. */
    public static ContentView headersView(String where, List<HttpHeader> headers, Flow flow) {
        return new ContentView(where, "HPACK", headers, null, null, flow.insideTls());
    }

    /** The trailers, and each gRPC message (its first bytes) on its own. */
    public void addViews(String side, Flow flow, List<ContentView> views) {
        if (!trailers.isEmpty()) {
            views.add(headersView(side + " trailers", trailers, flow));
        }
        if (grpc != null) {
            for (GrpcMessages.Message m : grpc.messages()) {
                views.add(new ContentView("gRPC " + side + " message", m.compressed() ? "compressed" : "", List.of(),
                        m.preview(), "application/grpc", flow.insideTls()));
            }
        }
    }
}
