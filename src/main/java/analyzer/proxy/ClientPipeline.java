package analyzer.proxy;

import analyzer.flow.Direction;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

/**
 * Installs the client side's handlers, always ahead of the {@link ClientSide} handler that ends the pipeline. The
 * upstream side (UpstreamConnector) names its handlers with the same names, so {@link #removeHttp} serves both.
 */
final class ClientPipeline {

    static final String RELAY = "relay";
    static final String SNIFF = "sniff";
    /** Under TLS, while the outer sniffer that found TLS is still stepping aside. */
    static final String SNIFF_DECRYPTED = "sniff-decrypted";
    static final String TAP = "tap";
    static final String HTTP = "http";
    static final String TLS_WATCH = "tls-watch";
    static final String TLS = "tls";

    private ClientPipeline() {
    }

    /** Plain bytes from the client (HTTP, or TLS passed through): the tap, then the HTTP codec if messages are relayed. */
    static void plain(ChannelPipeline p, ChannelCommands io, boolean http) {
        add(p, TAP, new RelayTap(io, true));
        if (http) {
            http(p);
        }
    }

    /** The client's messages are parsed as HTTP/1 requests from now on. */
    static void http(ChannelPipeline p) {
        add(p, HTTP, new HttpServerCodec());
    }

    /**
     * Intercepted TLS: the watcher reads the handshake in clear (for the client's alert), the SNI handler presents a
     * certificate forged for the name the client asked for, the tap sees the decrypted bytes, and a sniffer tells
     * from the first of them whether they are HTTP.
     */
    static void intercept(ChannelPipeline p, ChannelCommands io, HandshakeWatcher watcher,
                          Mapping<String, SslContext> forged) {
        add(p, TLS_WATCH, watcher);
        add(p, TLS, new SniHandler(forged));
        plain(p, io, false);
        add(p, SNIFF_DECRYPTED, new ProtocolSniffer(io, true));
    }

    /**
     * Takes the HTTP codec out of either side's pipeline: after a CONNECT together with the tap (a sniffer decides
     * again what follows; the codec goes last so bytes it held reach it), after a 101 keeping the tap (the codec
     * passes what it held on to the relay).
     */
    static void removeHttp(ChannelPipeline p, boolean tap) {
        for (String name : tap ? new String[] {TAP, HTTP} : new String[] {HTTP}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }

    private static void add(ChannelPipeline p, String name, ChannelHandler handler) {
        p.addBefore(RELAY, name, handler);
    }
}
