package analyzer.proxy;

import analyzer.flow.Direction;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Applies the attacker's rules to the HTTP messages one side sends. Headers are rewritten as the head passes; when
 * body rules exist, the body is gathered (up to the limit: past it the message goes on unmodified, and the report
 * says so), rewritten by {@link MessageRewriter}, and sent on with framing for its new length. Messages the
 * rules leave alone are not held back.
 */
final class MessageTamperer extends ChannelInboundHandlerAdapter {

    private final ProxiedConnection connection;
    private final Direction direction;
    private final MessageRewriter rewriter;
    private final int limit;

    private HttpMessage head;
    private CompositeByteBuf body;
    private String exchange;

    MessageTamperer(ProxiedConnection connection, Direction direction, MessageRewriter rewriter, int limit) {
        this.connection = connection;
        this.direction = direction;
        this.rewriter = rewriter;
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpMessage message && !message.decoderResult().isFailure()) {
            start(ctx, message);
            return;
        }
        if (msg instanceof HttpContent content && head != null) {
            if (content.decoderResult().isFailure()) {
                // The body does not parse (a bad chunk size): nothing of this message goes on, only the failure.
                handlerRemoved(ctx);
                ctx.fireChannelRead(msg);
                return;
            }
            gather(ctx, content);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void start(ChannelHandlerContext ctx, HttpMessage message) {
        if (message instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            ctx.fireChannelRead(message);
            return;
        }
        exchange = message instanceof HttpRequest r ? r.method().name() + " " + r.uri() : connection.currentExchange();
        String side = direction == Direction.CLIENT_TO_SERVER ? "request" : "response";
        for (MessageRewriter.HeaderChange change : rewriter.rewriteHeaders(message.headers())) {
            report(side + " header " + change.name(), change.before(), change.after(), 1);
        }
        if (!rewriter.rewritesBodies()) {
            ctx.fireChannelRead(message);
            return;
        }
        if (message instanceof HttpRequest r && HttpUtil.is100ContinueExpected(r)) {
            // The body is gathered here before the upstream sees the request, so the proxy answers the client.
            r.headers().remove(HttpHeaderNames.EXPECT);
            connection.sendContinue();
        }
        head = message;
        body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
    }

    private void gather(ChannelHandlerContext ctx, HttpContent content) {
        if ((long) body.readableBytes() + content.content().readableBytes() > limit) {
            skipped("it is larger than the rewrite limit of " + limit + " bytes");
            ctx.fireChannelRead(head);
            ctx.fireChannelRead(new DefaultHttpContent(body));
            head = null;
            body = null;
            ctx.fireChannelRead(content);
            return;
        }
        body.addComponent(true, content.content().retain());
        if (content instanceof LastHttpContent last) {
            LastHttpContent end = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, last.trailingHeaders().copy());
            content.release();
            finish(ctx, end);
        } else {
            content.release();
        }
    }

    private void finish(ChannelHandlerContext ctx, LastHttpContent end) {
        HttpMessage message = head;
        CompositeByteBuf gathered = body;
        head = null;
        body = null;
        String side = direction == Direction.CLIENT_TO_SERVER ? "request body" : "response body";
        MessageRewriter.BodyResult result = rewriter.rewriteBody(message.headers(), ByteBufUtil.getBytes(gathered),
                (int) Math.min(Integer.MAX_VALUE, 4L * limit));
        if (result instanceof MessageRewriter.Rewritten rewritten) {
            gathered.release();
            for (MessageRewriter.Replaced r : rewritten.replaced()) {
                report(side, r.find(), r.replacement(), r.count());
            }
            ctx.fireChannelRead(message);
            ctx.fireChannelRead(new DefaultHttpContent(Unpooled.wrappedBuffer(rewritten.body())));
        } else {
            if (result instanceof MessageRewriter.Skipped s) {
                skipped(s.reason());
            }
            ctx.fireChannelRead(message);
            if (gathered.isReadable()) {
                ctx.fireChannelRead(new DefaultHttpContent(gathered));
            } else {
                gathered.release();
            }
        }
        ctx.fireChannelRead(end);
    }

    private void report(String part, String before, String after, int count) {
        connection.proxy().listener.tampered(new Tampering(connection.flow(), direction, ProxyContext.micros(),
                exchange, part, before, after, count));
    }

    private void skipped(String reason) {
        String part = direction == Direction.CLIENT_TO_SERVER ? "request body" : "response body";
        connection.proxy().listener.tamperSkipped(new TamperSkipped(connection.flow(), direction,
                ProxyContext.micros(), exchange, part, reason));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (body != null) {
            body.release();
            body = null;
        }
        head = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
