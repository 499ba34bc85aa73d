package analyzer.proxy;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * One rewrite the proxy made to a message before passing it on.
 *
 * @param direction CLIENT_TO_SERVER for a request, SERVER_TO_CLIENT for a response
 * @param exchange  the request line the message belongs to ("GET /"), or null when unknown
 * @param part      what was changed: "response body", "request body", "response header Server"
 * @param before    the text that was there (the replaced text; a header's old value; null when added)
 * @param after     the text put in its place (null when a header was dropped)
 * @param count     how many places were changed (replacements in a body; 1 for a header)
 */
public record Tampering(Flow flow, Direction direction, long timestampMicros, String exchange, String part,
                        String before, String after, int count) {
}
