package analyzer.proxy;

import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;

/**
 * Sets up each accepted client connection: its state machine, the hooks of its attacks, and the handlers that
 * adapt them to Netty. Reverse proxies first sniff what the client speaks (and connect upstream if it stays silent:
 * its server may be the one to speak first); forward proxies speak HTTP.
 */
final class FrontendInitializer extends ChannelInitializer<SocketChannel> {

    private final ProxyContext proxy;

    FrontendInitializer(ProxyContext proxy) {
        this.proxy = proxy;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        proxy.channels.add(ch);
        boolean forward = proxy.config.isForward();
        InetSocketAddress remote = ch.remoteAddress();
        InetSocketAddress server = forward ? ch.localAddress() : proxy.upstreamAddress;
        Flow flow = new Flow(proxy.nextFlowId(), new Endpoint(remote.getAddress(), remote.getPort()),
                new Endpoint(server.getAddress(), server.getPort()));
        ChannelCommands io = new ChannelCommands(proxy, ch);
        io.attach(new ProxiedConnection(flow, proxy.config, proxy.hooksFor(flow), proxy.listener, io));
        ChannelPipeline p = ch.pipeline();
        p.addLast(ClientPipeline.RELAY, new ClientSide(io));
        if (forward) {
            ClientPipeline.plain(p, io, true);
        } else {
            p.addBefore(ClientPipeline.RELAY, ClientPipeline.SNIFF, new ProtocolSniffer(io, false));
        }
        io.connection().clientConnected();
    }
}
