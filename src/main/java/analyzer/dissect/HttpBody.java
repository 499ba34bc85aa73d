package analyzer.dissect;

import java.util.List;
import java.util.Locale;

/**
 * A message body as decoded for display.
 *
 * @param length       decoded length in bytes (after de-chunking and content decoding)
 * @param shown        the first bytes of the decoded body, at most the --max-body limit
 * @param text         whether the body reads as text (shown as text rather than hex)
 * @param contentEncoding the content coding that was removed for display ("gzip", "deflate"), or null
 * @param chunked      whether it travelled with chunked transfer coding
 * @param complete     false when the stream ended or broke before the body did
 */
public record HttpBody(long length, byte[] shown, boolean text, String contentEncoding, boolean chunked,
                       boolean complete) {

    public static final HttpBody EMPTY = new HttpBody(0, new byte[0], true, null, false, true);

    public boolean truncated() {
        return shown.length < length;
    }

    /** How the body was decoded for display: "de-chunked, gzip", "gzip", "de-chunked" or "". */
    public String decoding() {
        if (chunked && contentEncoding != null) {
            return "de-chunked, " + contentEncoding;
        }
        return chunked ? "de-chunked" : contentEncoding != null ? contentEncoding : "";
    }

    /** The body as a content view; its media type from the message's Content-Type. */
    ContentView view(String where, List<HttpHeader> headers) {
        String mediaType = null;
        for (HttpHeader h : headers) {
            if (h.name().equalsIgnoreCase("content-type")) {
                mediaType = h.value().toLowerCase(Locale.ROOT);
            }
        }
        return new ContentView(where, decoding(), List.of(), shown, mediaType, false);
    }
}
