package analyzer.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Carries out a {@link ProxiedConnection}'s commands on the client's channel and the upstream channel of the
 * moment, which share one event loop. Also keeps what only I/O knows: the idle timer, where the proxy's own answers
 * are written (below the client's HTTP codec), and an intercepted client's handshake evidence.
 */
final class ChannelCommands implements ConnectionCommands {

    private final ProxyContext proxy;
    private final Channel client;
    private ProxiedConnection connection;
    private Channel upstream;
    /** The client-side tap's context: bytes written there bypass the client's HTTP codec. */
    private ChannelHandlerContext clientWire;
    /** Intercept mode, until the client's handshake ends. */
    private ClientInterception interception;
    private boolean closed;
    /**
     * How long a client may say nothing before the upstream is connected anyway (it may be waiting for a greeting).
     * Short, since such a client waits that long; a client that speaks later loses nothing (see
     * {@link ProxiedConnection#clientSilent}).
     */
    static final long CLIENT_SILENCE_MILLIS = 200;
    /** System.nanoTime() of the last read on either side, for the idle timeout. */
    private long lastActivity = System.nanoTime();

    ChannelCommands(ProxyContext proxy, Channel client) {
        this.proxy = proxy;
        this.client = client;
    }

    void attach(ProxiedConnection machine) {
        this.connection = machine;
        scheduleIdleCheck(proxy.config.idleTimeout().toNanos());
    }

    ProxiedConnection connection() {
        return connection;
    }

    ProxyContext proxy() {
        return proxy;
    }

    /** Whether {@code ch} is the upstream of the moment (events of one let go concern nobody). */
    boolean isUpstream(Channel ch) {
        return ch == upstream;
    }

    void clientWire(ChannelHandlerContext ctx) {
        clientWire = ctx;
    }

    void active() {
        lastActivity = System.nanoTime();
    }

    /**
     * Closes the connection once neither side has sent anything for the idle timeout. One timer per connection,
     * re-armed for the time left, rather than an IdleStateHandler on each channel that hooks every write.
     */
    private void scheduleIdleCheck(long delayNanos) {
        client.eventLoop().schedule(() -> {
            if (closed) {
                return;
            }
            long left = proxy.config.idleTimeout().toNanos() - (System.nanoTime() - lastActivity);
            if (left <= 0) {
                connection.idleTimeout();
            } else {
                scheduleIdleCheck(left);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Intercept mode: the client's handshake ended; the machine hears how, with the evidence. */
    void clientHandshakeDone(SslHandshakeCompletionEvent event) {
        if (interception == null) {
            return;
        }
        ClientInterception done = interception;
        interception = null;
        connection.clientHandshakeDone(done.outcome(client.pipeline(), event));
    }

    void clientClosed() {
        closed = true;
        if (interception != null) {
            interception.close();
            interception = null;
        }
        connection.clientClosed();
    }

    // ---- the client's pipeline

    @Override
    public void relayClientBytes() {
        ChannelPipeline p = client.pipeline();
        ClientPipeline.plain(p, this, false);
        if (p.get(ClientPipeline.SNIFF) != null) {
            // The upstream spoke first: the sniffer steps aside, passing what it held on to the tap.
            p.remove(ClientPipeline.SNIFF);
        }
    }

    @Override
    public void relayClientHttp() {
        ChannelPipeline p = client.pipeline();
        if (p.get(ClientPipeline.TAP) == null) {
            ClientPipeline.plain(p, this, true);
        } else {
            ClientPipeline.http(p);
        }
    }

    @Override
    public void interceptClientTls(HostAndPort target) {
        interception = new ClientInterception(this, target);
        interception.install(client.pipeline());
    }

    @Override
    public void sniffClient() {
        ChannelPipeline p = client.pipeline();
        p.addBefore(ClientPipeline.RELAY, ClientPipeline.SNIFF, new ProtocolSniffer(this, false));
        ClientPipeline.removeHttp(p, true);
    }

    @Override
    public void awaitClientSilence() {
        client.eventLoop().schedule(() -> {
            if (!closed) {
                connection.clientSilent();
            }
        }, CLIENT_SILENCE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void relayClientBytesAfterConnect() {
        ChannelPipeline p = client.pipeline();
        ClientPipeline.removeHttp(p, true);
        ClientPipeline.plain(p, this, false);
    }

    /**
     * Taking a codec out passes on whatever it had read past the handshake; the hooks, below the codecs, saw the
     * switch itself. Encoders go first, on both sides: taking a decoder out relays at once what it held, which must
     * not meet the other side's HTTP encoder.
     */
    @Override
    public void relayBytesFromNowOn() {
        for (Channel ch : new Channel[] {client, upstream}) {
            if (ch != null && ch.pipeline().get(ClientPipeline.HTTP) instanceof CombinedChannelDuplexHandler<?, ?> codec) {
                codec.removeOutboundHandler();
            }
        }
        if (upstream != null) {
            ClientPipeline.removeHttp(upstream.pipeline(), false);
        }
        ClientPipeline.removeHttp(client.pipeline(), false);
    }

    // ---- the upstream

    @Override
    public void connect(HostAndPort target, boolean tls, boolean http) {
        InetSocketAddress address = !proxy.config.isForward() && target.equals(proxy.config.upstream())
                ? proxy.upstreamAddress : InetSocketAddress.createUnresolved(target.host(), target.port());
        ChannelFuture connecting = UpstreamConnector.connect(proxy, this, client, address, target, tls, http);
        upstream = connecting.channel();
        connecting.addListener((ChannelFutureListener) f -> {
            if (f.channel() != upstream) {
                return;
            }
            if (!f.isSuccess()) {
                connection.upstreamFailed(UpstreamConnector.explain(f.cause(), target));
            } else if (!tls) {
                connection.upstreamReady();
            }
        });
    }

    @Override
    public void relayUpstreamHttp() {
        if (upstream != null) {
            UpstreamConnector.speakHttp(upstream.pipeline());
        }
    }

    @Override
    public void retireUpstream() {
        Channel old = upstream;
        upstream = null;
        flushAndClose(old);
    }

    @Override
    public void abandonUpstream() {
        Channel old = upstream;
        upstream = null;
        if (old != null) {
            old.close();
        }
    }

    // ---- data

    private Channel channel(Side side) {
        return side == Side.CLIENT ? client : upstream;
    }

    @Override
    public void write(Side side, Object message) {
        Channel ch = channel(side);
        if (ch == null) {
            ReferenceCountUtil.release(message);
            return;
        }
        ch.write(message, ch.voidPromise());
    }

    @Override
    public void flush(Side side) {
        Channel ch = channel(side);
        if (ch != null) {
            ch.flush();
        }
    }

    @Override
    public void answerClient(byte[] response) {
        clientWire.writeAndFlush(Unpooled.wrappedBuffer(response));
    }

    /**
     * A channel whose input has ended is left alone: there is nothing more to read, and epoll refuses to watch a
     * half-closed socket again.
     */
    @Override
    public void read(Side side, boolean on) {
        Channel ch = channel(side);
        if (ch == null || on && ch instanceof DuplexChannel duplex && duplex.isInputShutdown()) {
            return;
        }
        ch.config().setAutoRead(on);
    }

    @Override
    public void endOutput(Side side) {
        Channel ch = channel(side);
        if (ch == null || !ch.isActive()) {
            return;
        }
        if (ch.pipeline().get(SslHandler.class) != null || !(ch instanceof DuplexChannel duplex)) {
            flushAndClose(ch);
            return;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> duplex.shutdownOutput());
    }

    @Override
    public void close(Side side) {
        flushAndClose(channel(side));
    }

    @Override
    public void report(UpstreamFailure failure) {
        proxy.listener.upstreamFailed(failure);
    }

    private static void flushAndClose(Channel ch) {
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (ch != null) {
            ch.close();
        }
    }
}
