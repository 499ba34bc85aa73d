package analyzer.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One open page, fed over its WebSocket. It sends what changed in the {@link LiveView} since the last batch — one
 * summary per changed flow however many events it had — as soon as something changes, but only once the page has
 * acknowledged the previous batch and the socket can take more. A page that cannot keep up therefore receives
 * fewer, larger batches instead of a growing queue: neither the server nor the page holds more than the last N
 * flows, whatever the rate of events. The view wakes the socket on a change at most once per batch (one atomic
 * flag), so a burst of events costs the feeds nothing more; a slow timer covers a lost wake-up.
 */
final class PageSocket extends SimpleChannelInboundHandler<WebSocketFrame> {

    /** The timer that covers a lost wake-up, and sends a page the counters while nothing else changes. */
    static final long TICK_MILLIS = 250;
    /** Batches at most once a frame of the page's display: more often would only cost the page more messages. */
    static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(16);

    private final LiveView view;
    private final Runnable onOpen;
    private final LiveView.Cursor cursor = new LiveView.Cursor();
    private boolean awaitingAck;
    private ScheduledFuture<?> ticker;
    /** Set once a batch was acknowledged and nothing was left to send: the next change sends at once. */
    private final java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    private Runnable wake;
    private long lastSentNanos;
    private boolean tickScheduled;

    PageSocket(LiveView view, Runnable onOpen) {
        this.view = view;
        this.onOpen = onOpen;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            ctx.writeAndFlush(new TextWebSocketFrame(view.hello()));
            wake = () -> {
                if (armed.compareAndSet(true, false)) {
                    ctx.executor().execute(() -> tick(ctx));
                }
            };
            view.watch(wake);
            ticker = ctx.executor().scheduleWithFixedDelay(() -> tick(ctx), 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
            onOpen.run();
        }
        super.userEventTriggered(ctx, evt);
    }

    private void tick(ChannelHandlerContext ctx) {
        if (awaitingAck || !ctx.channel().isActive() || !ctx.channel().isWritable()) {
            return;
        }
        armed.set(false);
        long sinceLast = System.nanoTime() - lastSentNanos;
        if (sinceLast < MIN_GAP_NANOS) {
            if (!tickScheduled) {
                tickScheduled = true;
                ctx.executor().schedule(() -> {
                    tickScheduled = false;
                    tick(ctx);
                }, MIN_GAP_NANOS - sinceLast, TimeUnit.NANOSECONDS);
            }
            return;
        }
        String batch = view.batch(cursor);
        if (batch != null) {
            awaitingAck = true;
            lastSentNanos = System.nanoTime();
            ctx.writeAndFlush(new TextWebSocketFrame(batch));
        } else {
            armed.set(true);
            // A change between the batch and the arming would otherwise wait for the timer.
            if (view.version() != cursor.version && armed.compareAndSet(true, false)) {
                ctx.executor().execute(() -> tick(ctx));
            }
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
        if (wake != null) {
            view.unwatch(wake);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
