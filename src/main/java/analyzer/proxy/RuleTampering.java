package analyzer.proxy;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import io.netty.handler.codec.http.HttpMessage;

/**
 * Tampering by the user's rules, as a hook: header rules as a head passes, body rules on the whole body (decoded
 * from gzip or deflate and encoded again by {@link MessageRewriter}); each change and each message left alone for
 * a reason is reported.
 */
final class RuleTampering implements ProxyHook {

    private final Flow flow;
    private final ProxyListener listener;
    private final MessageRewriter requests;
    private final MessageRewriter responses;
    private final int limit;

    RuleTampering(Flow flow, ProxyListener listener, MessageRewriter requests, MessageRewriter responses, int limit) {
        this.flow = flow;
        this.listener = listener;
        this.requests = requests;
        this.responses = responses;
        this.limit = limit;
    }

    private MessageRewriter rewriter(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? requests : responses;
    }

    @Override
    public boolean head(Direction direction, HttpMessage head, String exchange) {
        MessageRewriter rewriter = rewriter(direction);
        String side = direction == Direction.CLIENT_TO_SERVER ? "request" : "response";
        for (MessageRewriter.HeaderChange change : rewriter.rewriteHeaders(head.headers())) {
            report(direction, exchange, side + " header " + change.name(), change.before(), change.after(), 1);
        }
        return rewriter.rewritesBodies();
    }

    @Override
    public byte[] body(Direction direction, HttpMessage head, String exchange, byte[] body) {
        MessageRewriter.BodyResult result = rewriter(direction).rewriteBody(head.headers(), body,
                (int) Math.min(Integer.MAX_VALUE, 4L * limit));
        if (result instanceof MessageRewriter.Rewritten rewritten) {
            for (MessageRewriter.Replaced r : rewritten.replaced()) {
                report(direction, exchange, part(direction), r.find(), r.replacement(), r.count());
            }
            return rewritten.body();
        }
        if (result instanceof MessageRewriter.Skipped s) {
            skipped(direction, exchange, s.reason());
        }
        return body;
    }

    @Override
    public void bodyTooLarge(Direction direction, String exchange, int limit) {
        skipped(direction, exchange, "it is larger than the rewrite limit of " + limit + " bytes");
    }

    private static String part(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? "request body" : "response body";
    }

    private void report(Direction direction, String exchange, String part, String before, String after, int count) {
        listener.tampered(new Tampering(flow, direction, ProxyContext.micros(), exchange, part, before, after, count));
    }

    private void skipped(Direction direction, String exchange, String reason) {
        listener.tamperSkipped(new TamperSkipped(flow, direction, ProxyContext.micros(), exchange, part(direction),
                reason));
    }
}
