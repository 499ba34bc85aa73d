package analyzer.dissect;

import java.util.List;

/**
 * An HTTP/1.1 connection switched protocols (101): what the dissectors taking over both directions need to know of
 * the exchange — the token, the request the 101 answered (for h2c it is stream 1), and the response's headers
 * (e.g. the negotiated {@code Sec-WebSocket-Extensions}). Kept in the {@link ConnectionContext} by the HTTP/1
 * dissector before it hands off: {@code connection.findState(HttpUpgrade.class)}.
 *
 * @param requestMethod          null when the request was not seen
 * @param requestTimestampMicros -1 when the request was not seen
 */
public record HttpUpgrade(String token, String requestMethod, String requestUri, long requestTimestampMicros,
                          List<HttpHeader> responseHeaders) implements ConnectionContext.CountedState {

    HttpUpgrade(String token, PendingRequests.Request request, List<HttpHeader> responseHeaders) {
        this(token, request.method(), request.uri(), request.timestampMicros(), responseHeaders);
    }

    /** The record, its strings, and the response's headers (each an object, two strings and a list slot). */
    @Override
    public long retainedBytes() {
        long held = 400;
        for (HttpHeader h : responseHeaders) {
            held += 112 + h.name().length() + h.value().length();
        }
        return held;
    }
}
