package analyzer.proxy;

import analyzer.flow.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.Consumer;

/**
 * One direction's HTTP message on its way through a {@link ProxiedConnection}, held while a hook reads its whole
 * body: the head is held, the body gathered up to the rewrite limit (past it the message goes on unmodified, and
 * the hooks are told), then the hooks' body goes on with the end of the message. Messages no hook asks for are
 * not held back. Does no I/O: what goes on is handed to {@code next}.
 */
final class HeldMessage {

    private final Direction direction;
    private final ProxyHook[] hooks;
    private final int limit;
    private final Consumer<Object> next;
    /** Requests: answers "100 Continue" for the upstream, which sees the request only once its body is in. */
    private final Runnable answerContinue;
    private HttpMessage head;
    private CompositeByteBuf body;
    private String exchange;

    HeldMessage(Direction direction, ProxyHook[] hooks, int limit, Consumer<Object> next, Runnable answerContinue) {
        this.direction = direction;
        this.hooks = hooks;
        this.limit = limit;
        this.next = next;
        this.answerContinue = answerContinue;
    }

    /** A message head (interim responses excluded). */
    void start(HttpMessage message, String exchangeLine) {
        boolean wanted = false;
        for (ProxyHook hook : hooks) {
            wanted |= hook.head(direction, message, exchangeLine);
        }
        if (!wanted) {
            next.accept(message);
            return;
        }
        if (message instanceof HttpRequest r && HttpUtil.is100ContinueExpected(r)) {
            r.headers().remove(HttpHeaderNames.EXPECT);
            answerContinue.run();
        }
        head = message;
        exchange = exchangeLine;
        body = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    }

    /** What follows a head: its content, or anything else the side sends. */
    void content(Object msg) {
        if (head == null || !(msg instanceof HttpContent content)) {
            next.accept(msg);
            return;
        }
        if ((long) body.readableBytes() + content.content().readableBytes() > limit) {
            for (ProxyHook hook : hooks) {
                hook.bodyTooLarge(direction, exchange, limit);
            }
            HttpMessage message = head;
            ByteBuf gathered = body;
            head = null;
            body = null;
            next.accept(message);
            passGathered(gathered);
            next.accept(msg);
            return;
        }
        body.addComponent(true, content.content().retain());
        if (!(content instanceof LastHttpContent last)) {
            content.release();
            return;
        }
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, last.trailingHeaders().copy());
        content.release();
        HttpMessage message = head;
        ByteBuf gathered = body;
        head = null;
        body = null;
        byte[] original = ByteBufUtil.getBytes(gathered);
        byte[] relayed = original;
        for (ProxyHook hook : hooks) {
            relayed = hook.body(direction, message, exchange, relayed);
        }
        next.accept(message);
        if (relayed != original) {
            gathered.release();
            next.accept(new DefaultHttpContent(Unpooled.wrappedBuffer(relayed)));
        } else {
            passGathered(gathered);
        }
        next.accept(end);
    }

    private void passGathered(ByteBuf gathered) {
        if (gathered.isReadable()) {
            next.accept(new DefaultHttpContent(gathered));
        } else {
            gathered.release();
        }
    }

    /** The message will not go on (the connection ended, or the request was refused). */
    void drop() {
        if (body != null) {
            body.release();
            body = null;
        }
        head = null;
    }
}
