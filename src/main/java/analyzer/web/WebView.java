package analyzer.web;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live page, served by a small Netty HTTP server: the page's files from the jar, a flow's details on request,
 * and the {@link LiveView} pushed over a WebSocket as it changes. Binds where it is told (the command line defaults
 * to 127.0.0.1), and answers only requests that carry its token and name it in their Host header.
 */
public final class WebView implements AutoCloseable {

    /** Connections at once: a few tabs and their sockets, not a crowd. */
    static final int MAX_CONNECTIONS = 64;
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final LiveView view;
    private final WebAccess access;
    private final EventLoopGroup group;
    private final Channel server;
    private final InetSocketAddress address;
    private final CountDownLatch firstPage = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();

    private WebView(LiveView view, InetSocketAddress listen, String listenHost) throws IOException {
        this.view = view;
        PageAssets assets = new PageAssets();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("web-view", true),
                NioIoHandler.newFactory());
        this.access = new WebAccess(WebAccess.newToken(), listenHost);
        Channel bound;
        try {
            bound = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ConnectionLimit(), new HttpServerCodec(4096, 16384, 8192),
                                    new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    new PageRequestHandler(access, assets, view),
                                    new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                            .websocketPath(PageRequestHandler.SOCKET_PATH)
                                            .maxFramePayloadLength(4096)
                                            .handshakeTimeoutMillis(10_000)
                                            .build()),
                                    new PageSocket(view, firstPage::countDown));
                        }
                    })
                    .bind(listen).syncUninterruptibly().channel();
        } catch (Exception e) {
            // bind() rethrows the socket's BindException as it is, checked or not.
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot serve the page on " + hostPort(listen) + ": " + e.getMessage(), e);
        }
        this.server = bound;
        this.address = (InetSocketAddress) bound.localAddress();
        access.port(address.getPort());
    }

    /**
     * Serves the view.
     *
     * @param listen     where to listen (port 0: any free port)
     * @param listenHost the host as the user gave it, or null: a name given here is accepted in Host headers
     */
    public static WebView start(LiveView view, InetSocketAddress listen, String listenHost) throws IOException {
        return new WebView(view, listen, listenHost);
    }

    public LiveView view() {
        return view;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The one URL to open: this server's address and the token. */
    public URI url() {
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : address.getAddress() instanceof Inet6Address ? "[" + address.getAddress().getHostAddress() + "]"
                : address.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + address.getPort() + "/?token=" + access.token());
    }

    /** Waits until a page has connected, at most {@code timeout}; whether one did. */
    public boolean awaitPage(Duration timeout) throws InterruptedException {
        return firstPage.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Refuses connections past {@link #MAX_CONNECTIONS}. */
    private final class ConnectionLimit extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                ctx.close();
                return;
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            connections.decrementAndGet();
            super.channelInactive(ctx);
        }
    }
}
