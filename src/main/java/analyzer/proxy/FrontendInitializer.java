package analyzer.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;

/** Sets up each accepted client connection: reverse proxies first sniff for TLS, forward proxies speak HTTP. */
final class FrontendInitializer extends ChannelInitializer<SocketChannel> {

    private final ProxyContext proxy;

    FrontendInitializer(ProxyContext proxy) {
        this.proxy = proxy;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        proxy.channels.add(ch);
        ProxiedConnection connection = new ProxiedConnection(proxy, ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast(RelayHandler.NAME, new RelayHandler(connection));
        if (proxy.config.isForward()) {
            ClientPipeline.forward(p, connection);
        } else {
            p.addBefore(RelayHandler.NAME, ClientPipeline.SNIFF, new ProtocolSniffer(connection, proxy.config.upstream(), false));
        }
    }
}
