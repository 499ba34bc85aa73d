package analyzer.proxy;

import analyzer.flow.Direction;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

/**
 * Installs the client side's handlers, always ahead of the relay handler that ends the pipeline. The upstream side
 * (UpstreamConnector) names its handlers with the same names, so {@link #removeHttp} serves both.
 */
final class ClientPipeline {

    static final String SNIFF = "sniff";
    /** Under TLS, while the outer sniffer that found TLS is still stepping aside. */
    static final String SNIFF_DECRYPTED = "sniff-decrypted";
    static final String TAP = "tap";
    static final String HTTP = "http";
    static final String FORWARD = "forward";
    static final String TAMPER = "tamper";
    static final String TLS_WATCH = "tls-watch";
    static final String TLS = "tls";

    private ClientPipeline() {
    }

    /** Plain bytes from the client (HTTP, or TLS passed through): the tap, then HTTP handling if messages are relayed. */
    static void plain(ChannelPipeline p, ProxiedConnection connection, boolean http) {
        add(p, TAP, new RelayTap(connection, Direction.CLIENT_TO_SERVER));
        if (http) {
            httpHandlers(p, connection);
        }
    }

    /**
     * Intercepted TLS: the watcher reads the handshake in clear (for the client's alert), the SNI handler presents a
     * certificate forged for the name the client asked for, the tap sees the decrypted bytes, and a sniffer tells
     * from the first of them whether they are HTTP.
     */
    static void intercept(ChannelPipeline p, ProxiedConnection connection, HandshakeWatcher watcher,
                          Mapping<String, SslContext> forged, HostAndPort target) {
        add(p, TLS_WATCH, watcher);
        add(p, TLS, new SniHandler(forged));
        plain(p, connection, false);
        add(p, SNIFF_DECRYPTED, new ProtocolSniffer(connection, target, true));
    }

    /** The decrypted client speaks HTTP: its messages are relayed (and rewritten) from now on. */
    static void decryptedHttp(ChannelPipeline p, ProxiedConnection connection) {
        httpHandlers(p, connection);
    }

    /** Forward mode: the client speaks proxy HTTP (absolute-form requests, CONNECT). */
    static void forward(ChannelPipeline p, ProxiedConnection connection) {
        add(p, TAP, new RelayTap(connection, Direction.CLIENT_TO_SERVER));
        add(p, HTTP, new HttpServerCodec());
        add(p, FORWARD, new ForwardProxyHandler(connection));
        if (!connection.proxy().requestRewriter.isEmpty()) {
            add(p, TAMPER, new MessageTamperer(connection, Direction.CLIENT_TO_SERVER,
                    connection.proxy().requestRewriter, connection.proxy().config.maxRewriteBody()));
        }
    }

    /**
     * Takes the HTTP handlers out of either side's pipeline: after a CONNECT together with the tap (a sniffer
     * decides again what follows; the codec goes last so bytes it held reach it), after a 101 keeping the tap (the
     * codec passes what it held on to the relay).
     */
    static void removeHttp(ChannelPipeline p, boolean tap) {
        for (String name : tap ? new String[] {FORWARD, TAMPER, TAP, HTTP} : new String[] {FORWARD, TAMPER, HTTP}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }

    private static void httpHandlers(ChannelPipeline p, ProxiedConnection connection) {
        add(p, HTTP, new HttpServerCodec());
        if (!connection.proxy().requestRewriter.isEmpty()) {
            add(p, TAMPER, new MessageTamperer(connection, Direction.CLIENT_TO_SERVER,
                    connection.proxy().requestRewriter, connection.proxy().config.maxRewriteBody()));
        }
    }

    private static void add(ChannelPipeline p, String name, ChannelHandler handler) {
        p.addBefore(RelayHandler.NAME, name, handler);
    }
}
