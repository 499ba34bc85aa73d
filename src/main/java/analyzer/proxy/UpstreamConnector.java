package analyzer.proxy;

import analyzer.pki.CertificateRejection;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpClientCodec;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** Opens the upstream side of a proxied connection, on the client's event loop, with the handlers it needs. */
final class UpstreamConnector {

    private UpstreamConnector() {
    }

    /**
     * @param tls  open TLS to the upstream (intercept mode), verifying it as configured
     * @param http relay HTTP messages rather than bytes
     */
    static ChannelFuture connect(ProxyContext proxy, ChannelCommands io, Channel client, InetSocketAddress address,
                                 HostAndPort target, boolean tls, boolean http) {
        ProxyConfig config = proxy.config;
        Bootstrap bootstrap = proxy.transport.configure(new Bootstrap())
                .group(client.eventLoop())
                .channel(proxy.transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, InterceptingProxy.WATER_MARK)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls) {
                            p.addLast(ClientPipeline.TLS, proxy.upstreamTls.newHandler(ch.alloc(), target.host(), target.port()));
                        }
                        p.addLast(ClientPipeline.TAP, new RelayTap(io, false));
                        p.addLast(ClientPipeline.RELAY, new UpstreamSide(io, target));
                        if (http) {
                            speakHttp(p);
                        }
                        proxy.channels.add(ch);
                    }
                });
        return bootstrap.connect(address);
    }

    /** HTTP messages are relayed with this upstream from now on. */
    static void speakHttp(ChannelPipeline p) {
        p.addBefore(ClientPipeline.RELAY, ClientPipeline.HTTP, new HttpClientCodec());
    }

    /** Why the upstream failed, in a few words for the 502 and the report. */
    static String explain(Throwable cause, HostAndPort target) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof ConnectTimeoutException) {
            return "no answer to the connection attempt (timed out)";
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + (target == null ? "" : target.host());
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof ConnectException || (t.getMessage() != null && t.getMessage().contains("Connection refused"))) {
            return "connection refused";
        }
        if (t instanceof SSLException) {
            return "certificate verify failed: " + CertificateRejection.explain(t);
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
