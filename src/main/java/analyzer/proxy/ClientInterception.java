package analyzer.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLSession;

/**
 * Intercept mode, client side: presents a certificate forged for the name the client asked for (its SNI, else the
 * target host), and gathers the evidence of how the client took it ({@link ClientHandshake}).
 */
final class ClientInterception {

    private final ChannelCommands io;
    private final HostAndPort target;
    private final HandshakeWatcher watcher;
    private String forgedHost;

    ClientInterception(ChannelCommands io, HostAndPort target) {
        this.io = io;
        this.target = target;
        this.watcher = new HandshakeWatcher(io.connection().flow());
    }

    void install(ChannelPipeline pipeline) {
        ClientPipeline.intercept(pipeline, io, watcher, host -> io.proxy().forged.contextFor(forgeFor(host)));
    }

    private String forgeFor(String sniHost) {
        forgedHost = sniHost != null && !sniHost.isEmpty() ? sniHost : target.host();
        return forgedHost;
    }

    /** How the client's handshake ended; the watcher steps aside. */
    ClientHandshake outcome(ChannelPipeline pipeline, SslHandshakeCompletionEvent event) {
        long now = ProxyContext.micros();
        String host = forgedHost == null ? target.host() : forgedHost;
        if (event.isSuccess()) {
            watcher.finish(pipeline);
            SSLSession session = pipeline.get(SslHandler.class).engine().getSession();
            return new ClientHandshake(io.connection().flow(), now, host, session.getProtocol(),
                    session.getCipherSuite(), null, false, null);
        }
        watcher.close();
        return new ClientHandshake(io.connection().flow(), now, host, null, null, watcher.clientAlert(),
                watcher.clientClosed(), event.cause());
    }

    /** The connection ended before the handshake did. */
    void close() {
        watcher.close();
    }
}
