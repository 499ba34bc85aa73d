package analyzer.proxy;

import analyzer.dissect.Dissector;
import analyzer.dissect.Event;
import analyzer.dissect.dns.DnsMessageSeen;
import analyzer.dissect.quic.QuicPacketSeen;
import analyzer.flow.ConnectionListener;
import analyzer.flow.ConnectionListener.CloseReason;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import analyzer.report.SummaryLine;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The proxy for UDP (reverse only): datagrams sent to the listening address are relayed to the upstream, each client
 * (address and port) through a socket of its own, so the upstream's answers find their way back to the client that
 * asked. Both directions go through the same datagram dissection as a capture (DNS, QUIC Initial, any other payload
 * raw) and reach the {@link ProxyListener} as {@code seen} events, one UDP flow per client.
 *
 * <p>UDP has no close: a client's mapping ends when it has been silent both ways for the idle timeout, and the table
 * is bounded (each mapping holds a socket): past {@code maxClients} the client idle longest is dropped to make room.
 * Everything runs on one event-loop thread, so the mappings and their dissectors need no locks.
 */
public final class UdpRelay implements AutoCloseable {

    /** Each mapping holds a socket: well under the usual limit of 1024 open files. */
    public static final int DEFAULT_MAX_CLIENTS = 512;

    /** The largest UDP payload (65 535 − 8 − 20); smaller receive buffers would cut datagrams short. */
    static final int MAX_DATAGRAM = 65_507;

    private final ProxyConfig config;
    private final ProxyListener listener;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final InetSocketAddress upstreamAddress;
    private final Dissector dissector;
    private final int maxClients;
    /** In access order: the eldest entry is the client idle longest. Touched on {@link #loop} only. */
    private final LinkedHashMap<InetSocketAddress, Mapping> clients = new LinkedHashMap<>(16, 0.75f, true);
    private Channel front;
    private InetSocketAddress address;
    private ScheduledFuture<?> expiry;
    private int flowIds;
    private final AtomicLong clientCount = new AtomicLong();
    private final AtomicLong toUpstream = new AtomicLong();
    private final AtomicLong toClients = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong dnsMessages = new AtomicLong();
    private final AtomicLong quicPackets = new AtomicLong();
    private boolean closed;

    private UdpRelay(ProxyConfig config, ProxyListener listener, InetSocketAddress upstreamAddress, int maxClients) {
        this.config = config;
        this.listener = listener;
        this.upstreamAddress = upstreamAddress;
        this.maxClients = maxClients;
        this.dissector = new Dissector(this::relayed, config.dissector());
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("analyzer-udp-relay", true));
        this.loop = group.next();
    }

    /** Binds the listening address and starts relaying, at most {@link #DEFAULT_MAX_CLIENTS} clients at a time. */
    public static UdpRelay start(ProxyConfig config, ProxyListener listener) throws ProxyException {
        return start(config, listener, DEFAULT_MAX_CLIENTS);
    }

    /**
     * Binds {@code config.listen()} and relays to {@code config.upstream()}; uses the configuration's idle timeout
     * and dissector options (TLS modes, rules, --save and the transport choice are the TCP proxy's).
     *
     * @throws ProxyException when the address cannot be bound or the upstream does not resolve
     */
    public static UdpRelay start(ProxyConfig config, ProxyListener listener, int maxClients) throws ProxyException {
        if (config.isForward()) {
            throw new IllegalArgumentException("the UDP relay needs an upstream");
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1");
        }
        InetSocketAddress upstream;
        try {
            upstream = new InetSocketAddress(InetAddress.getByName(config.upstream().host()),
                    config.upstream().port());
        } catch (UnknownHostException e) {
            throw new ProxyException("cannot resolve the upstream host " + config.upstream().host(),
                    "Give an address or a name this machine resolves, e.g. 127.0.0.1:53.", e);
        }
        UdpRelay relay = new UdpRelay(config, listener, upstream, maxClients);
        relay.bind();
        return relay;
    }

    private void bind() throws ProxyException {
        ChannelFuture bound = datagrams(loop)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        fromClient(packet);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // An ICMP error for one datagram: the relay goes on for everyone else.
                    }
                })
                .bind(config.listen()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            Throwable cause = bound.cause();
            boolean inUse = cause instanceof BindException
                    || String.valueOf(cause.getMessage()).contains("Address already in use");
            throw new ProxyException("cannot listen on UDP " + InterceptingProxy.describe(config.listen()) + ": "
                    + (inUse ? "the address is already in use" : cause.getMessage()),
                    inUse ? "Stop what listens there, or choose another port with --listen 127.0.0.1:PORT." : null,
                    cause);
        }
        front = bound.channel();
        address = (InetSocketAddress) front.localAddress();
        long period = Math.max(50, Math.min(1_000, config.idleTimeout().toMillis() / 4));
        expiry = loop.scheduleAtFixedRate(this::expireIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /** Counts what the dissector read in the relayed datagrams, then tells the listener. */
    private void relayed(Event event) {
        if (event instanceof DnsMessageSeen) {
            dnsMessages.incrementAndGet();
        } else if (event instanceof QuicPacketSeen) {
            quicPackets.incrementAndGet();
        }
        listener.seen(event);
    }

    private static Bootstrap datagrams(EventLoopGroup group) {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    }

    /** Where the relay listens (with the real port when the configuration asked for port 0). */
    public InetSocketAddress address() {
        return address;
    }

    public ProxyConfig config() {
        return config;
    }

    /** "udp 127.0.0.1:5353 → 127.0.0.1:53 (reverse; each client through its own port, idle 60 s) — Ctrl-C to stop" */
    public String banner() {
        return "proxy UDP " + InterceptingProxy.describe(address) + " → " + config.upstream()
                + " (reverse: datagrams relayed, each client through its own port; a client silent "
                + SummaryLine.duration(config.idleTimeout()) + " is forgotten) — Ctrl-C to stop";
    }


    /** "3 clients · 6 datagrams (3 to the upstream, 3 back) · 6 DNS messages" */
    public String summary() {
        return new SummaryLine().count(clientCount.get(), "client")
                .part(SummaryLine.plural(toUpstream.get() + toClients.get(), "datagram") + " relayed ("
                        + toUpstream.get() + " to the upstream, " + toClients.get() + " back)")
                .countIfAny(dnsMessages.get(), "DNS message").countIfAny(quicPackets.get(), "QUIC packet")
                .countIfAny(dropped.get(), "datagram dropped")
                .countIfAny(evicted.get(), "client forgotten early").toString();
    }

    private void fromClient(DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        Mapping m = clients.get(client);
        if (m == null) {
            if (clients.size() >= maxClients) {
                Iterator<Mapping> eldest = clients.values().iterator();
                Mapping victim = eldest.next();
                eldest.remove();
                evicted.incrementAndGet();
                victim.close(CloseReason.EVICTED);
            }
            m = open(client);
            if (m == null) {
                dropped.incrementAndGet();
                return;
            }
            clients.put(client, m);
        }
        m.fromClient(packet.content());
    }

    private Mapping open(InetSocketAddress client) {
        Mapping m = new Mapping(client);
        // A socket of its own on the upstream's side, so the upstream's answers tell which client they are for.
        InetSocketAddress local = new InetSocketAddress(upstreamAddress.getAddress() instanceof Inet6Address
                ? "::" : "0.0.0.0", 0);
        if (upstreamAddress.getAddress().isLoopbackAddress()) {
            local = new InetSocketAddress(upstreamAddress.getAddress() instanceof Inet6Address
                    ? InetAddress.getLoopbackAddress() : loopbackV4(), 0);
        }
        ChannelFuture bound = datagrams(loop)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        m.fromUpstream(packet);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // ICMP port unreachable and the like: the client times out as it would without the relay.
                    }
                })
                .bind(local);
        m.upstream = bound;
        return m;
    }

    private static InetAddress loopbackV4() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void expireIdle() {
        long now = System.nanoTime();
        long idle = config.idleTimeout().toNanos();
        List<Mapping> expired = new ArrayList<>();
        Iterator<Mapping> it = clients.values().iterator();
        while (it.hasNext()) {
            Mapping m = it.next();
            if (now - m.lastSeen <= idle) {
                break; // access order: every later client was heard from more recently
            }
            it.remove();
            expired.add(m);
        }
        for (Mapping m : expired) {
            m.close(CloseReason.IDLE);
        }
    }

    /** Stops listening, forgets every client (their flows end), and waits for the relay's thread to end. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        expiry.cancel(false);
        front.close().awaitUninterruptibly();
        loop.submit(() -> {
            List<Mapping> open = new ArrayList<>(clients.values());
            clients.clear();
            for (Mapping m : open) {
                m.close(CloseReason.PROXY);
            }
        }).awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One client: its socket toward the upstream, and the dissector of its flow. */
    private final class Mapping {
        final InetSocketAddress client;
        final ConnectionListener flow;
        ChannelFuture upstream;
        long lastSeen = System.nanoTime();

        Mapping(InetSocketAddress client) {
            this.client = client;
            clientCount.incrementAndGet();
            Flow f = new Flow(++flowIds, new Endpoint(client.getAddress(), client.getPort()),
                    new Endpoint(upstreamAddress.getAddress(), upstreamAddress.getPort()), Flow.Transport.UDP);
            this.flow = dissector.open(f, 0, ProxyContext.micros());
        }

        void fromClient(ByteBuf payload) {
            lastSeen = System.nanoTime();
            toUpstream.incrementAndGet();
            see(Direction.CLIENT_TO_SERVER, payload);
            DatagramPacket out = new DatagramPacket(payload.retain(), upstreamAddress);
            if (upstream.isDone()) {
                send(out);
            } else {
                upstream.addListener(done -> send(out)); // the socket is still being bound: send once it is
            }
        }

        private void send(DatagramPacket out) {
            if (upstream.isSuccess() && upstream.channel().isOpen()) {
                upstream.channel().writeAndFlush(out, upstream.channel().voidPromise());
            } else {
                out.release();
                dropped.incrementAndGet();
            }
        }

        void fromUpstream(DatagramPacket packet) {
            if (!packet.sender().equals(upstreamAddress)) {
                return; // only the upstream answers through this socket; anyone else is not relayed
            }
            lastSeen = System.nanoTime();
            clients.get(client); // heard from: now the most recently used
            toClients.incrementAndGet();
            see(Direction.SERVER_TO_CLIENT, packet.content());
            front.writeAndFlush(new DatagramPacket(packet.content().retain(), client), front.voidPromise());
        }

        private void see(Direction direction, ByteBuf payload) {
            int n = payload.readableBytes();
            byte[] bytes = new byte[n];
            payload.getBytes(payload.readerIndex(), bytes);
            flow.onData(direction, bytes, 0, n, 0, ProxyContext.micros());
        }

        void close(CloseReason reason) {
            upstream.channel().close();
            flow.onClose(reason, 0, ProxyContext.micros());
        }
    }
}
