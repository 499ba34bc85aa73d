package analyzer.workshop;

import analyzer.dissect.HttpHeader;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Promise;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The Secret Squirrels' client: fetches a URL over HTTP or HTTPS and trusts the server's certificate only as its
 * {@link SecretClientConfig.Trust} says — the JDK's store, a pinned CA, or (careless) anything. Never prints and
 * never exits: failures are {@link ClientFailure}s that say why in a line.
 *
 * <p>Built on Netty rather than the JDK's HttpClient: the same stack as the server and the proxy; requests go out
 * exactly as given (the JDK client refuses to set Host and a few other headers); its event loop can be shut down
 * (Java 17's HttpClient cannot be closed); and {@link SslContextBuilder} pins a CA with its hostname check on when
 * the peer host is passed to {@code newHandler}.
 *
 * <pre>{@code
 * try (SecretClient client = SecretClient.create(SecretClientConfig.pinned(List.of(caCertificate)))) {
 *     String secret = client.secret(URI.create("https://localhost:5683/"));        // "fluffy tail"
 *     String cookie = client.login(URI.create("https://localhost:5683/login"), "alice", "wonderland");
 *     ClientResponse page = client.get(URI.create("https://localhost:5683/members"), cookie);
 * }
 * }</pre>
 */
public final class SecretClient implements AutoCloseable {

    private static final String USER_AGENT = userAgent();

    private final SecretClientConfig config;
    private final EventLoopGroup group;
    private final RecordingTrustManager trust;
    private final SslContext ssl;
    private final Fernet fernet;

    private SecretClient(SecretClientConfig config) {
        this.config = config;
        this.trust = new RecordingTrustManager(delegate(config));
        try {
            // The JDK's TLS unless keys are logged: Netty would take its OpenSSL engine whenever one is present.
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .trustManager(trust)
                    // Hostname verification is the trust manager's job in the JDK: on, except for the insecure one
                    // that by design checks nothing (it never consults this setting).
                    .endpointIdentificationAlgorithm("HTTPS");
            this.ssl = config.keyLog() == null ? builder.build()
                    : config.keyLog().attach(config.keyLog().configure(builder).build());
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
        this.fernet = config.fernetKey() == null ? null : new Fernet(config.fernetKey());
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("secret-client", true),
                NioIoHandler.newFactory());
    }

    public static SecretClient create(SecretClientConfig config) {
        return new SecretClient(config);
    }

    public SecretClientConfig config() {
        return config;
    }

    private static X509ExtendedTrustManager delegate(SecretClientConfig config) {
        if (config.trust() == SecretClientConfig.Trust.INSECURE) {
            return null;
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (config.trust() == SecretClientConfig.Trust.SYSTEM) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int i = 0;
                for (X509Certificate ca : config.pinnedCas()) {
                    store.setCertificateEntry("pinned-" + i++, ca);
                }
                tmf.init(store);
            }
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up the trust store: " + e.getMessage(), e);
        }
    }

    /** GET, with a Cookie header when {@code cookie} ({@code name=value}) is not null. */
    public ClientResponse get(URI url, String cookie) throws ClientFailure {
        ClientRequest request = ClientRequest.get(url);
        return send(cookie == null ? request : request.withCookie(cookie));
    }

    /** The secret at {@code url}: the body, decrypted when a Fernet key is set. A non-2xx status fails. */
    public String secret(URI url) throws ClientFailure, Fernet.InvalidTokenException {
        ClientResponse response = send(ClientRequest.get(url));
        if (!response.successful()) {
            throw ClientFailure.status(url, response);
        }
        return message(response);
    }

    /** The body as text, or, with a Fernet key, the decrypted token it carries. */
    public String message(ClientResponse response) throws Fernet.InvalidTokenException {
        if (fernet == null) {
            return response.text();
        }
        return new String(fernet.decrypt(response.text().strip()), StandardCharsets.UTF_8);
    }

    /**
     * Logs in with a form POST and returns the session cookie to send back ({@code session=…}).
     *
     * @throws ClientFailure {@link ClientFailure.Kind#HTTP_STATUS} when the server refuses (401 wrong password)
     */
    public String login(URI loginUrl, String username, String password) throws ClientFailure {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("username", username);
        form.put("password", password);
        ClientResponse response = send(ClientRequest.form(loginUrl, form));
        if (!response.successful()) {
            throw ClientFailure.status(loginUrl, response);
        }
        List<String> cookies = response.cookies();
        for (String c : cookies) {
            if (c.startsWith(SecretSite.SESSION_COOKIE + "=")) {
                return c;
            }
        }
        if (!cookies.isEmpty()) {
            return cookies.get(0);
        }
        throw new ClientFailure(ClientFailure.Kind.BAD_RESPONSE, loginUrl + " accepted the login but set no cookie",
                null, List.of(), response, null);
    }

    /** Sends one request on a new connection and waits for the whole answer, whatever its status. */
    public ClientResponse send(ClientRequest request) throws ClientFailure {
        URI url = request.url();
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ClientFailure.badUrl(url, "only http:// and https:// URLs are supported");
        }
        if (url.getHost() == null) {
            throw ClientFailure.badUrl(url, "no host in it");
        }
        boolean https = scheme.equals("https");
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
                : url.getHost();
        int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        String where = url.getHost() + ":" + port;
        long timeoutMillis = config.timeout().toMillis();

        Promise<ClientResponse> result = group.next().newPromise();
        AtomicReference<SslHandler> tls = new AtomicReference<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (https) {
                            // Passing host and port names the server for SNI and for the hostname check.
                            SslHandler handler = ssl.newHandler(ch.alloc(), host, port);
                            handler.setHandshakeTimeoutMillis(timeoutMillis);
                            tls.set(handler);
                            p.addLast(handler);
                        }
                        p.addLast(new HttpClientCodec());
                        p.addLast(new HttpObjectAggregator(config.maxBody()));
                        p.addLast(new ResponseCollector(result, tls.get(),
                                config.trust() != SecretClientConfig.Trust.INSECURE));
                    }
                });
        FullHttpRequest message = toNetty(request, url);
        ChannelFuture connect = bootstrap.connect(host, port);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                message.release();
                result.tryFailure(f.cause());
                return;
            }
            connect.channel().writeAndFlush(message).addListener(w -> {
                if (!w.isSuccess()) {
                    result.tryFailure(w.cause());
                }
            });
        });
        boolean done;
        try {
            done = result.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connect.channel().close();
            throw new ClientFailure(ClientFailure.Kind.OTHER, "interrupted while waiting for " + where, null,
                    List.of(), null, e);
        }
        Channel channel = connect.channel();
        if (!done) {
            SslHandler handler = tls.get();
            String phase = !connect.isDone() ? "connecting"
                    : handler != null && !handler.handshakeFuture().isDone() ? "during the TLS handshake"
                    : "waiting for the answer";
            channel.close();
            throw ClientFailure.timeout(where, phase, config.timeout());
        }
        channel.close();
        if (result.isSuccess()) {
            return result.getNow();
        }
        if (result.cause() instanceof ClientFailure failure) {
            throw failure;
        }
        SslHandler handler = tls.get();
        List<X509Certificate> presented = handler == null ? List.of() : trust.presented(handler.engine());
        throw ClientFailure.of(result.cause(), where, host, presented, config);
    }

    private static FullHttpRequest toNetty(ClientRequest request, URI url) {
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        byte[] body = request.body();
        FullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(request.method()), target, Unpooled.wrappedBuffer(body));
        HttpHeaders headers = message.headers();
        headers.set(HttpHeaderNames.HOST, url.getPort() >= 0 ? url.getHost() + ":" + url.getPort() : url.getHost());
        headers.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
        headers.set(HttpHeaderNames.ACCEPT, "*/*");
        for (HttpHeader h : request.headers()) {
            boolean replaces = h.name().equalsIgnoreCase("Host") || h.name().equalsIgnoreCase("User-Agent")
                    || h.name().equalsIgnoreCase("Accept");
            if (replaces) {
                headers.set(h.name(), h.value());
            } else {
                headers.add(h.name(), h.value());
            }
        }
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                && (body.length > 0 || request.method().equals("POST") || request.method().equals("PUT"))) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        return message;
    }

    /** Stops the client's I/O thread. Requests in flight fail. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static String userAgent() {
        String version = SecretClient.class.getPackage().getImplementationVersion();
        return version == null ? "analyzer" : "analyzer/" + version;
    }

    /** Completes the promise with the first whole response, or fails it with what went wrong. */
    private static final class ResponseCollector extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Promise<ClientResponse> result;
        private final SslHandler tls;
        private final boolean verified;

        ResponseCollector(Promise<ClientResponse> result, SslHandler tls, boolean verified) {
            this.result = result;
            this.tls = tls;
            this.verified = verified;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (response.decoderResult().isFailure()) {
                String where = String.valueOf(ctx.channel().remoteAddress());
                result.tryFailure(new ClientFailure(ClientFailure.Kind.BAD_RESPONSE, where
                        + " sent something that is not an HTTP answer ("
                        + response.decoderResult().cause().getMessage() + ")", null, List.of(), null, null));
                ctx.close();
                return;
            }
            int status = response.status().code();
            if (status >= 100 && status < 200) {
                return; // an interim answer; the real one follows
            }
            List<HttpHeader> headers = new ArrayList<>();
            for (Map.Entry<String, String> h : response.headers()) {
                headers.add(new HttpHeader(h.getKey(), h.getValue()));
            }
            result.trySuccess(new ClientResponse(response.protocolVersion().text(), status,
                    response.status().reasonPhrase(), headers, ByteBufUtil.getBytes(response.content()),
                    session()));
            ctx.close();
        }

        private ClientResponse.TlsSession session() {
            if (tls == null) {
                return null;
            }
            SSLSession s = tls.engine().getSession();
            List<X509Certificate> chain = new ArrayList<>();
            try {
                for (Certificate c : s.getPeerCertificates()) {
                    if (c instanceof X509Certificate x) {
                        chain.add(x);
                    }
                }
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                // no chain to report
            }
            return new ClientResponse.TlsSession(s.getProtocol(), s.getCipherSuite(), chain, verified);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslCloseCompletionEvent) {
                // The server's close_notify ends its data even if its TCP FIN waits for ours (openssl s_server
                // does): closing lets the codec end a body delimited by the connection's end.
                ctx.close();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.tryFailure(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.tryFailure(new ClosedChannelException());
            super.channelInactive(ctx);
        }
    }
}
