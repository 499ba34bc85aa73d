package analyzer.workshop;

import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import analyzer.pki.KeyType;
import analyzer.pki.PkiException;
import analyzer.pki.ServerTlsPolicy;
import analyzer.proxy.HandshakeWatcher;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.Locale;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The Secret Squirrels' server: a Netty HTTP/1.1 server (keep-alive, many concurrent clients, HTTPS with TLS 1.2
 * and 1.3 when given a certificate) in front of {@link SecretSite}'s pages. Start it, read its {@link #address()},
 * close it. Never prints: each answered request goes to the {@link Listener}.
 *
 * <pre>{@code
 * try (SecretServer server = SecretServer.start(SecretServerConfig.defaults().withPort(0), SecretServer.Listener.NONE)) {
 *     URI url = server.url();   // http://127.0.0.1:41234/
 * }
 * }</pre>
 */
public final class SecretServer implements AutoCloseable {

    /** Longest request line and header block accepted; longer ones get 400 (431 is not worth a distinction). */
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    /** Login forms are tiny; a larger body gets 413. */
    static final int MAX_BODY = 64 * 1024;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Hears what the server does. Called on Netty's I/O threads: return quickly, never block. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void request(ServedRequest request) {
            }
        };

        void request(ServedRequest request);

        /** A TLS handshake that failed, e.g. a client that rejected the certificate; reason is one line. */
        default void tlsFailure(InetSocketAddress client, String reason) {
        }
    }

    private final SecretServerConfig config;
    private final SecretSite site;
    private final EventLoopGroup group;
    private final Channel channel;
    private final InetSocketAddress address;

    private SecretServer(SecretServerConfig config, SecretSite site, EventLoopGroup group, Channel channel) {
        this.config = config;
        this.site = site;
        this.group = group;
        this.channel = channel;
        this.address = (InetSocketAddress) channel.localAddress();
    }

    /**
     * Binds and starts serving.
     *
     * @throws SSLException when the TLS identity is unusable (the key does not belong to the certificate, …)
     * @throws IOException  when the address cannot be bound (in use, not local, …)
     */
    public static SecretServer start(SecretServerConfig config, Listener listener) throws IOException {
        Objects.requireNonNull(config, "config");
        Listener events = listener == null ? Listener.NONE : listener;
        SslContext ssl = config.tls() == null ? null : sslContext(config.tls());
        SecretSite site = new SecretSite(config, Clock.systemUTC());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0,
                new DefaultThreadFactory("secret-server", true), NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            long idle = config.idleTimeout().toMillis();
                            p.addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                            if (ssl != null) {
                                p.addLast(new HandshakeWatcher(new Flow(0, endpoint(ch.remoteAddress()),
                                        endpoint(ch.localAddress()))));
                                p.addLast(ssl.newHandler(ch.alloc()));
                            }
                            p.addLast(new HttpServerCodec(new HttpDecoderConfig()
                                    .setMaxInitialLineLength(MAX_INITIAL_LINE)
                                    .setMaxHeaderSize(MAX_HEADER_SIZE)));
                            p.addLast(new HttpServerKeepAliveHandler());
                            p.addLast(new SecretRequestHandler.Aggregator(MAX_BODY, events, ssl != null));
                            p.addLast(new SecretRequestHandler(site, events, ssl != null));
                        }
                    });
            ChannelFuture bound = bootstrap.bind(config.host(), config.port()).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                throw bindFailure(config, bound.cause());
            }
            return new SecretServer(config, site, group, bound.channel());
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Endpoint endpoint(InetSocketAddress address) {
        return new Endpoint(address.getAddress(), address.getPort());
    }

    private static IOException bindFailure(SecretServerConfig config, Throwable cause) {
        String where = hostForUrl(config.host()) + ":" + config.port();
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        IOException e = cause instanceof java.net.BindException
                ? new java.net.BindException("cannot listen on " + where + ": " + why)
                : new IOException("cannot listen on " + where + ": " + why);
        e.initCause(cause);
        return e;
    }

    /**
     * The suites of {@link SecretServerConfig.TlsIdentity#rsaKeyExchange()}: the client encrypts the premaster
     * secret with the server's certificate key, so that key alone opens every recorded session.
     */
    static final List<String> RSA_KEY_EXCHANGE_SUITES = List.of("TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA");

    private static SslContext sslContext(SecretServerConfig.TlsIdentity tls) throws SSLException {
        requireMatchingKey(tls.privateKey(), tls.certificate().getPublicKey(),
                CertificateNames.shortName(tls.certificate().getSubjectX500Principal()));
        if (tls.rsaKeyExchange() && !(tls.privateKey() instanceof RSAPrivateKey)) {
            throw new SSLException("RSA key exchange needs an RSA certificate key, not "
                    + tls.privateKey().getAlgorithm());
        }
        try {
            // The JDK's TLS unless keys are logged: Netty would take its OpenSSL engine whenever one is present.
            SslContextBuilder builder = SslContextBuilder.forServer(tls.privateKey(), tls.chain())
                    .sslProvider(SslProvider.JDK);
            if (tls.rsaKeyExchange()) {
                builder.protocols("TLSv1.2").ciphers(RSA_KEY_EXCHANGE_SUITES);
            } else {
                ServerTlsPolicy.apply(builder);
            }
            if (tls.keyLog() == null) {
                return builder.build();
            }
            return tls.keyLog().attach(tls.keyLog().configure(builder).build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new SSLException("cannot serve TLS with this certificate and key: " + e.getMessage(), e);
        }
    }

    /**
     * The JDK only notices a key that does not belong to the certificate during a handshake, as an obscure
     * failure on every connection; a test signature here says it once, at start.
     */
    private static void requireMatchingKey(PrivateKey key, PublicKey certified, String subject) throws SSLException {
        boolean matches;
        try {
            matches = KeyType.belongTogether(key, certified);
        } catch (PkiException e) {
            return; // a key type the workshop's PKI does not make: the handshake will judge it
        }
        if (!matches) {
            throw new SSLException("the private key does not belong to the certificate " + subject);
        }
    }

    /** The address actually bound (the real port when 0 was asked for). */
    /** What the server serves and how, in lines for the person who started it; the last says how to stop it. */
    public List<String> banner() {
        List<String> lines = new ArrayList<>();
        X509Certificate leaf = config.tls() == null ? null : config.tls().certificate();
        String name = leaf == null ? null : CertificateNames.firstDnsName(leaf);
        String where = (name != null ? url(name) : url()).toString();
        lines.add("Secret server listening on " + where + (leaf == null
                ? "  (plain HTTP: anyone on the path can read it)"
                : "  (HTTPS, TLS 1.3/1.2; bound to " + address().getAddress().getHostAddress() + ")"));
        if (leaf != null) {
            lines.add("  certificate    " + CertificateNames.shortName(leaf.getSubjectX500Principal()) + " ("
                    + String.join(", ", CertificateNames.subjectAltNames(leaf)) + "), issued by "
                    + CertificateNames.shortName(leaf.getIssuerX500Principal()) + ", valid until "
                    + DAY.format(leaf.getNotAfter().toInstant()) + expiryNote(leaf));
        }
        lines.add("  GET /          " + (config.fernetKey() == null ? "the secret \"" + config.message() + "\""
                : "the secret as a Fernet token (only a client with the key can read it)"));
        lines.add("  GET /secure    " + (leaf == null ? "says the request is NOT using HTTPS"
                : "says the request is using HTTPS"));
        List<String> members = new ArrayList<>();
        for (Member m : config.members()) {
            members.add(m.username() + " (" + m.password() + ")");
        }
        lines.add("  POST /login    members " + String.join(", ", members) + "; then GET /members with the cookie");
        lines.add("Ctrl-C to stop.");
        return lines;
    }

    private static String expiryNote(X509Certificate leaf) {
        Date now = new Date();
        if (leaf.getNotAfter().before(now)) {
            return "  ⚠ EXPIRED: clients will refuse it";
        }
        if (leaf.getNotBefore().after(now)) {
            return "  ⚠ NOT YET VALID: clients will refuse it";
        }
        return "";
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean tls() {
        return config.tls() != null;
    }

    public SecretServerConfig config() {
        return config;
    }

    /**
     * {@code http://127.0.0.1:PORT/} or {@code https://…}. An HTTPS client should rather use the name its
     * certificate was issued for ({@link #url(String)}), typically {@code localhost}.
     */
    public URI url() {
        return url(hostForUrl(address.getAddress().getHostAddress()));
    }

    /** This server's URL under another host name, e.g. {@code url("localhost")} to match the certificate. */
    public URI url(String host) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create((tls() ? "https" : "http") + "://" + h + ":" + address.getPort() + "/");
    }

    /** Logged-in sessions currently held. */
    public int sessions() {
        return site.sessions();
    }

    /** Completes when the server has stopped listening. */
    public ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /** Stops listening, closes every connection and the I/O threads. Idempotent. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static String hostForUrl(String host) {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") || host.equals("0:0:0:0:0:0:0:0") ? "::1"
                : host;
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }
}
