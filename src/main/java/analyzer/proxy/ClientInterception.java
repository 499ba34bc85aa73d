package analyzer.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLSession;

/**
 * Intercept mode, client side: presents a certificate forged for the name the client asked for (its SNI, else the
 * target host) and reports whether the client took it: {@link ForgeryAccepted}, or {@link ForgeryRejected} with
 * the best evidence the handshake left.
 */
final class ClientInterception {

    private final ProxiedConnection connection;
    private final HostAndPort target;
    private final HandshakeWatcher watcher;
    private String forgedHost;

    ClientInterception(ProxiedConnection connection, HostAndPort target) {
        this.connection = connection;
        this.target = target;
        this.watcher = new HandshakeWatcher(connection.flow());
    }

    void install(ChannelPipeline pipeline) {
        ClientPipeline.intercept(pipeline, connection, watcher,
                host -> connection.proxy().forged.contextFor(forgeFor(host)), target);
    }

    HostAndPort target() {
        return target;
    }

    private String forgeFor(String sniHost) {
        forgedHost = sniHost != null && !sniHost.isEmpty() ? sniHost : target.host();
        return forgedHost;
    }

    /** Reports how the client's handshake ended; true when it accepted the forged certificate. */
    boolean handshakeDone(Channel client, SslHandshakeCompletionEvent event) {
        long now = ProxyContext.micros();
        ProxyListener listener = connection.proxy().listener;
        if (event.isSuccess()) {
            watcher.finish(client.pipeline());
            SSLSession session = client.pipeline().get(SslHandler.class).engine().getSession();
            listener.forgeryAccepted(new ForgeryAccepted(connection.flow(), now, forgedHost, session.getProtocol(),
                    session.getCipherSuite()));
            return true;
        }
        watcher.close();
        listener.forgeryRejected(HandshakeFailures.classify(connection.flow(), now,
                forgedHost == null ? target.host() : forgedHost, watcher.clientAlert(), watcher.clientClosed(),
                event.cause()));
        return false;
    }

    /** The connection ended before the handshake did. */
    void close() {
        watcher.close();
    }
}
