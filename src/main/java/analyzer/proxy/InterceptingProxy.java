package analyzer.proxy;

import analyzer.capture.CaptureException;
import analyzer.capture.PcapWriter;
import analyzer.flow.PacketDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The attacker in the middle: a Netty proxy that relays between clients and an upstream (reverse mode) or wherever
 * clients ask (forward mode), shows what it relays to the dissector, rewrites what the rules say, and in intercept
 * mode impersonates TLS servers with forged certificates. Reports go to a {@link ProxyListener}.
 *
 * <pre>{@code
 * try (InterceptingProxy proxy = InterceptingProxy.start(
 *         ProxyConfig.reverse(new InetSocketAddress("127.0.0.1", 0), new HostAndPort("127.0.0.1", 5683))
 *                 .withRules(TamperRules.replaceInResponses(BodyReplacement.parse("fluffy tail=>squirrel party"))),
 *         listener)) {
 *     URI url = URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/");
 *     …
 * }
 * }</pre>
 */
public final class InterceptingProxy implements AutoCloseable {

    /** Per-channel outbound buffer bounds: past the high mark the other side stops being read. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private final ProxyContext context;
    private final EventLoopGroup group;
    private final Channel server;
    private final InetSocketAddress address;
    private final PcapWriter recording;
    private boolean closed;

    private InterceptingProxy(ProxyContext context, EventLoopGroup group, Channel server, PcapWriter recording) {
        this.context = context;
        this.recording = recording;
        this.group = group;
        this.server = server;
        this.address = (InetSocketAddress) server.localAddress();
    }

    /**
     * Binds and starts serving on {@link ProxyConfig#ioThreads()} event-loop threads.
     *
     * @throws ProxyException when the address cannot be bound, the upstream does not resolve, or a TLS file is bad
     */
    public static InterceptingProxy start(ProxyConfig config, ProxyListener listener) throws ProxyException {
        return start(config, listener, List.of());
    }

    /**
     * As {@link #start(ProxyConfig, ProxyListener)}, with more attacks: each factory makes a hook for every
     * connection, called after the built-in ones (eavesdropping, rule tampering, the forgery verdict).
     */
    public static InterceptingProxy start(ProxyConfig config, ProxyListener listener, List<ProxyHook.Factory> attacks)
            throws ProxyException {
        InetSocketAddress upstreamAddress = null;
        if (!config.isForward()) {
            try {
                upstreamAddress = new InetSocketAddress(InetAddress.getByName(config.upstream().host()),
                        config.upstream().port());
            } catch (UnknownHostException e) {
                throw new ProxyException("cannot resolve the upstream host " + config.upstream().host(),
                        "Give an address or a name this machine resolves, e.g. 127.0.0.1:5683.", e);
            }
        }
        SslContext upstreamTls = null;
        ForgedContexts forged = null;
        if (config.tls() == TlsMode.INTERCEPT) {
            upstreamTls = UpstreamTls.context(config.upstreamTrust(), config.keyLog());
            forged = new ForgedContexts(config.mitmCa(), config.keyLog());
        }
        Transport transport = Transport.of(config.transport());
        PcapWriter recording = null;
        if (config.save() != null) {
            try {
                recording = PcapWriter.create(config.save(), PacketDecoder.DLT_RAW, 262_144);
            } catch (CaptureException e) {
                throw new ProxyException(e.getMessage(), e.hint(), e);
            }
        }
        ProxyContext context = new ProxyContext(config, listener, transport, upstreamAddress, upstreamTls, forged,
                recording, attacks);
        EventLoopGroup group = transport.group(config.ioThreads(), "analyzer-proxy");
        ServerBootstrap bootstrap = transport.configure(new ServerBootstrap())
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new FrontendInitializer(context));
        ChannelFuture bound = bootstrap.bind(config.listen()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (recording != null) {
                recording.close();
            }
            Throwable cause = bound.cause();
            boolean inUse = cause instanceof BindException
                    || String.valueOf(cause.getMessage()).contains("Address already in use");
            throw new ProxyException("cannot listen on " + describe(config.listen()) + ": "
                    + (inUse ? "the address is already in use" : cause.getMessage()),
                    inUse ? "Stop what listens there, or choose another port with --listen 127.0.0.1:PORT." : null,
                    cause);
        }
        return new InterceptingProxy(context, group, bound.channel(), recording);
    }

    /** Where the proxy listens (with the real port when the configuration asked for port 0). */
    public InetSocketAddress address() {
        return address;
    }

    public ProxyConfig config() {
        return context.config;
    }

    /** The transport the event loops use (what AUTO chose). */
    public IoTransport transport() {
        return context.transport.kind();
    }

    /** The name of the CA that signs forged certificates, or null in passthrough mode. */
    public String forgingIssuer() {
        return context.forged == null ? null : context.forged.issuer();
    }

    /**
     * What this proxy does, in lines for the person who started it: where it listens and relays to, what it does
     * with TLS, its rewriting rules. The first line ends "— Ctrl-C to stop".
     *
     * @param trustedCa the CA certificate file a client must trust to be fooled when TLS is intercepted
     */
    public String banner(Path trustedCa) {
        ProxyConfig c = config();
        String host = address.getAddress().getHostAddress();
        StringBuilder sb = new StringBuilder("proxy ").append(host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                .append(':').append(address.getPort());
        sb.append(c.isForward() ? " (forward: absolute-form HTTP and CONNECT" : " → " + c.upstream() + " (reverse");
        if (c.tls() == TlsMode.INTERCEPT) {
            sb.append(", TLS intercepted, forging as \"").append(forgingIssuer()).append("\")");
        } else {
            sb.append(", TLS passed through)");
        }
        sb.append(" — Ctrl-C to stop");
        if (c.tls() == TlsMode.INTERCEPT) {
            sb.append("\n  clients that trust ").append(trustedCa).append(" (or verify nothing) will be fooled");
        }
        for (BodyReplacement r : c.rules().responseBody()) {
            sb.append("\n  rewriting response bodies: \"").append(r.find()).append("\" → \"").append(r.replacement())
                    .append('"');
        }
        for (BodyReplacement r : c.rules().requestBody()) {
            sb.append("\n  rewriting request bodies: \"").append(r.find()).append("\" → \"").append(r.replacement())
                    .append('"');
        }
        for (HeaderRule h : c.rules().responseHeaders()) {
            sb.append("\n  response header ").append(h.name())
                    .append(h.drops() ? ": dropped" : " set to \"" + h.value() + "\"");
        }
        for (HeaderRule h : c.rules().requestHeaders()) {
            sb.append("\n  request header ").append(h.name())
                    .append(h.drops() ? ": dropped" : " set to \"" + h.value() + "\"");
        }
        return sb.toString();
    }

    /** Stops accepting, closes every open connection, and waits for the I/O threads to end. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close().awaitUninterruptibly();
        context.channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (recording != null) {
            recording.close();
        }
        context.listener.flush();
    }

    static String describe(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + a.getPort() : host + ":" + a.getPort();
    }
}
