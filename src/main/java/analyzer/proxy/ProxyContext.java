package analyzer.proxy;

import analyzer.capture.PcapWriter;
import analyzer.dissect.Dissector;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.Flow;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** What every connection of one running proxy shares: its configuration, listener, dissector and TLS contexts. */
final class ProxyContext {

    final ProxyConfig config;
    final ProxyListener listener;
    /** The dissector, behind the pcap recording when --save asks for one. */
    final ConnectionListenerFactory dissector;
    final Transport transport;
    /** Reverse mode: the upstream, resolved once at start. */
    final InetSocketAddress upstreamAddress;
    /** Intercept mode: TLS toward upstreams, and the forged server side toward clients. */
    final SslContext upstreamTls;
    final ForgedContexts forged;
    final MessageRewriter requestRewriter;
    final MessageRewriter responseRewriter;
    final ChannelGroup channels = new DefaultChannelGroup("analyzer-proxy", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger flowIds = new AtomicInteger();

    /** Attacks beyond the built-in ones, each making one hook per connection. */
    private final List<ProxyHook.Factory> attacks;
    private final ForgeryVerdict forgeryVerdict;

    ProxyContext(ProxyConfig config, ProxyListener listener, Transport transport, InetSocketAddress upstreamAddress,
                 SslContext upstreamTls, ForgedContexts forged, PcapWriter recording, List<ProxyHook.Factory> attacks) {
        this.attacks = List.copyOf(attacks);
        this.forgeryVerdict = new ForgeryVerdict(listener);
        this.config = config;
        this.listener = listener;
        Dissector dissect = new Dissector(listener::seen, config.dissector());
        this.dissector = recording == null ? dissect : new ProxyRecording(recording, dissect);
        this.transport = transport;
        this.upstreamAddress = upstreamAddress;
        this.upstreamTls = upstreamTls;
        this.forged = forged;
        TamperRules rules = config.rules();
        this.requestRewriter = new MessageRewriter(rules.requestHeaders(), rules.requestBody());
        this.responseRewriter = new MessageRewriter(rules.responseHeaders(), rules.responseBody());
    }

    int nextFlowId() {
        return flowIds.incrementAndGet();
    }

    /**
     * The hooks of one connection: eavesdropping always (the dissector's feed), tampering when there are rules,
     * the forged certificate's verdict when intercepting, then any other attacks.
     */
    ProxyHook[] hooksFor(Flow flow) {
        List<ProxyHook> hooks = new ArrayList<>(3 + attacks.size());
        hooks.add(new Eavesdropping(dissector.open(flow, 0, micros())));
        if (!config.rules().isEmpty()) {
            hooks.add(new RuleTampering(flow, listener, requestRewriter, responseRewriter, config.maxRewriteBody()));
        }
        if (config.tls() == TlsMode.INTERCEPT) {
            hooks.add(forgeryVerdict);
        }
        for (ProxyHook.Factory attack : attacks) {
            hooks.add(attack.open(flow));
        }
        return hooks.toArray(new ProxyHook[0]);
    }

    private static final long START_MICROS;
    private static final long START_NANOS;

    static {
        Instant now = Instant.now();
        START_NANOS = System.nanoTime();
        START_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * Microseconds since the epoch, counted on the monotonic clock from when the proxy class loaded: one cheap clock
     * read per relayed read (the wall clock costs more on the hot path), and response times never run backwards.
     */
    static long micros() {
        return START_MICROS + (System.nanoTime() - START_NANOS) / 1_000;
    }
}
