package analyzer.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One open page, fed over its WebSocket. Every {@link #TICK_MILLIS} it sends what changed in the {@link LiveView}
 * since the last batch — one summary per changed flow however many events it had — but only once the page has
 * acknowledged the previous batch and the socket can take more. A page that cannot keep up therefore receives
 * fewer, larger batches instead of a growing queue: neither the server nor the page holds more than the last N
 * flows, whatever the rate of events.
 */
final class PageSocket extends SimpleChannelInboundHandler<WebSocketFrame> {

    static final long TICK_MILLIS = 40;

    private final LiveView view;
    private final Runnable onOpen;
    private final LiveView.Cursor cursor = new LiveView.Cursor();
    private boolean awaitingAck;
    private ScheduledFuture<?> ticker;

    PageSocket(LiveView view, Runnable onOpen) {
        this.view = view;
        this.onOpen = onOpen;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            ctx.writeAndFlush(new TextWebSocketFrame(view.hello()));
            ticker = ctx.executor().scheduleWithFixedDelay(() -> tick(ctx), 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
            onOpen.run();
        }
        super.userEventTriggered(ctx, evt);
    }

    private void tick(ChannelHandlerContext ctx) {
        if (awaitingAck || !ctx.channel().isActive() || !ctx.channel().isWritable()) {
            return;
        }
        String batch = view.batch(cursor);
        if (batch != null) {
            awaitingAck = true;
            ctx.writeAndFlush(new TextWebSocketFrame(batch));
        }
    }

    /** The page says it has taken a batch in: {@code {"ack":SEQ}}; nothing else is expected from it. */
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text && text.text().startsWith("{\"ack\":")) {
            awaitingAck = false;
            tick(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ticker != null) {
            ticker.cancel(false);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
