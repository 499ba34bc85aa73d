package analyzer.proxy;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client connection and the upstream connection the proxy opened for it. Both channels run on the same event
 * loop, so this state and the dissector are only touched by one thread. Relays what each side sends to the other,
 * stopping reads on one side while the other cannot keep up (autoRead toggled by writability, as in Netty's
 * HexDumpProxy); propagates half-closes; answers 502 when the upstream cannot be reached.
 */
final class ProxiedConnection {

    /** The dissector wants arrays; bytes of direct buffers are copied here (valid only during the call). */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[16 * 1024];
        }
    };

    private final ProxyContext proxy;
    private final Channel client;
    private final Flow flow;
    private final ConnectionListener dissector;
    private final boolean forward;

    private ChannelHandlerContext clientWire;
    private Channel upstream;
    private HostAndPort target;
    private boolean upstreamReady;
    private boolean upstreamTls;
    private boolean upstreamFailureReported;
    private long upstreamBytes;
    private long clientBytes;

    /** The client speaks HTTP (plain or decrypted): a 502 means something to it. */
    private boolean clientHttp;
    /** The proxy terminates the client's TLS (intercept). */
    private boolean clientTls;
    /** HTTP messages are relayed (to be rewritten or routed), rather than bytes. */
    private boolean httpObjects;
    /** The upstream connection carries a CONNECT tunnel or raw bytes: its end is the client's end. */
    private boolean tunnel;
    /** Forward passthrough: the CONNECT is answered 200 once the target accepted the connection. */
    private boolean answerConnect;

    private final ArrayDeque<Object> waiting = new ArrayDeque<>(4);
    /** Requests written upstream whose final response has not come back yet (HTTP relaying only). */
    private final ArrayDeque<Exchange> exchanges = new ArrayDeque<>(4);
    /** HTTP relaying: the client's request now arriving has started and not ended. */
    private boolean requestOpen;
    /** HTTP relaying: a request said the connection ends after its answer; later ones are not relayed. */
    private boolean lastRequestSeen;
    /** HTTP relaying: the final response now arriving ends the connection (see {@link #endsConnection}). */
    private boolean closeAfterResponse;
    /** HTTP relaying: the proxy's own 400, written once the answers to the requests before it are relayed. */
    private byte[] deferredRejection;
    private boolean interimResponse;
    /** HTTP relaying: the response now arriving is 101 Switching Protocols; once it is relayed, bytes follow. */
    private boolean switchingProtocols;
    /** HTTP relaying: a response has started toward the client and not ended, so a 502 can no longer be sent. */
    private boolean answering;
    private boolean clientInputShut;
    private boolean upstreamInputShut;
    private boolean finished;

    /** System.nanoTime() of the last read on either side, for the idle timeout. */
    private long lastActivity = System.nanoTime();

    /** Intercept mode, until the client's handshake ends. */
    private ClientInterception interception;

    /** A request relayed upstream: its line for reports, and whether the connection ends after its answer. */
    private record Exchange(String requestLine, boolean head, boolean lastRequest) {
    }

    ProxiedConnection(ProxyContext proxy, Channel client) {
        this.proxy = proxy;
        this.client = client;
        this.forward = proxy.config.isForward();
        // A forward proxy's client speaks HTTP to it until a CONNECT says otherwise.
        this.clientHttp = forward;
        this.httpObjects = forward;
        InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
        InetSocketAddress server = forward ? (InetSocketAddress) client.localAddress() : proxy.upstreamAddress;
        this.flow = new Flow(proxy.nextFlowId(), new Endpoint(remote.getAddress(), remote.getPort()),
                new Endpoint(server.getAddress(), server.getPort()));
        this.dissector = proxy.dissector.open(flow, 0, ProxyContext.micros());
        scheduleIdleCheck(proxy.config.idleTimeout().toNanos());
    }

    /**
     * Closes the connection once neither side has sent anything for the idle timeout. One timer per connection,
     * re-armed for the time left, rather than an IdleStateHandler on each channel that hooks every write.
     */
    private void scheduleIdleCheck(long delayNanos) {
        client.eventLoop().schedule(() -> {
            if (finished) {
                return;
            }
            long left = proxy.config.idleTimeout().toNanos() - (System.nanoTime() - lastActivity);
            if (left <= 0) {
                client.close();
                if (upstream != null) {
                    upstream.close();
                }
            } else {
                scheduleIdleCheck(left);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    Flow flow() {
        return flow;
    }

    ProxyContext proxy() {
        return proxy;
    }

    // ---- set-up: what the client speaks decides the handlers

    /** Called once the first bytes show whether the client speaks TLS; installs the handlers for it. */
    void clientSpeaks(ChannelPipeline pipeline, HostAndPort target, ProtocolSniffer.Speaks speaks) {
        if (speaks != ProtocolSniffer.Speaks.TLS) {
            clientHttp = speaks == ProtocolSniffer.Speaks.HTTP;
            httpObjects = clientHttp;
            tunnel |= !httpObjects;
            ClientPipeline.plain(pipeline, this, httpObjects);
            connect(target, false);
        } else if (proxy.config.tls() == TlsMode.PASSTHROUGH) {
            tunnel = true;
            clientHttp = false;
            httpObjects = false;
            ClientPipeline.plain(pipeline, this, false);
            connect(target, false);
        } else {
            clientTls = true;
            clientHttp = true;
            httpObjects = false;
            interception = new ClientInterception(this, target);
            interception.install(pipeline);
        }
    }

    /**
     * Intercept mode: the first decrypted bytes show whether the client speaks HTTP. Messages are relayed from now
     * on if it does and the upstream has not spoken first (an HTTP server never does); bytes otherwise.
     */
    void decryptedSpeaks(ChannelPipeline pipeline, boolean http) {
        if (http && upstreamBytes == 0) {
            httpObjects = true;
            ClientPipeline.decryptedHttp(pipeline, this);
            if (upstream != null) {
                UpstreamConnector.speakHttp(proxy, this, upstream.pipeline());
            }
        } else {
            clientHttp = false;
            tunnel = true;
        }
    }

    /** Forward mode, CONNECT: answer 200 and treat what follows as a new client connection to {@code target}. */
    void openTunnel(ChannelPipeline pipeline, HostAndPort target) {
        retireUpstream();
        tunnel = true;
        if (proxy.config.tls() == TlsMode.PASSTHROUGH) {
            // The tunnel is relayed as it is: connect first, so an unreachable target is answered 502, not 200.
            ClientPipeline.removeHttp(pipeline, true);
            httpObjects = false;
            ClientPipeline.plain(pipeline, this, false);
            answerConnect = true;
            connect(target, false);
            return;
        }
        writeOwn(ProxyResponses.CONNECTION_ESTABLISHED, false);
        pipeline.addBefore(RelayHandler.NAME, ClientPipeline.SNIFF, new ProtocolSniffer(this, target, false));
        ClientPipeline.removeHttp(pipeline, true);
    }

    // ---- the upstream connection

    private void connect(HostAndPort target, boolean tls) {
        this.target = target;
        this.upstreamTls = tls;
        this.upstreamReady = false;
        this.upstreamFailureReported = false;
        this.upstreamInputShut = false;
        this.upstreamBytes = 0;
        InetSocketAddress address = !forward && target.equals(proxy.config.upstream())
                ? proxy.upstreamAddress : InetSocketAddress.createUnresolved(target.host(), target.port());
        ChannelFuture connecting = UpstreamConnector.connect(proxy, this, client, address, target, tls, httpObjects);
        upstream = connecting.channel();
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                upstreamFailed(f.channel(), UpstreamConnector.explain(f.cause(), target));
            } else if (!tls) {
                upstreamReady(f.channel());
            }
        });
    }

    private void upstreamReady(Channel ch) {
        if (ch != upstream) {
            return;
        }
        upstreamReady = true;
        if (answerConnect) {
            answerConnect = false;
            clientHttp = false;
            writeOwn(ProxyResponses.CONNECTION_ESTABLISHED, false);
        }
        drain();
        if (clientInputShut && waiting.isEmpty()) {
            shutdownOutput(upstream, upstreamTls);
        }
    }

    private void upstreamFailed(Channel ch, String reason) {
        if (ch != upstream || upstreamFailureReported) {
            return;
        }
        if (finished) {
            // The client is gone (or was refused): the upstream's end concerns nobody.
            ch.close();
            return;
        }
        upstreamFailureReported = true;
        boolean nothingRelayed = httpObjects ? !answering : upstreamBytes == 0;
        boolean badGateway = clientHttp && nothingRelayed && clientWire != null && client.isActive();
        proxy.listener.upstreamFailed(new UpstreamFailure(flow, ProxyContext.micros(), target, reason, badGateway));
        releaseWaiting();
        if (badGateway) {
            writeOwn(ProxyResponses.badGateway("cannot reach " + target + ": " + reason), true);
        } else {
            flushAndClose(client);
        }
        ch.close();
    }

    /** Forward mode: lets go of the current upstream connection (its close no longer concerns the client). */
    private void retireUpstream() {
        Channel old = upstream;
        upstream = null;
        upstreamReady = false;
        target = null;
        if (old != null) {
            flushAndClose(old);
        }
    }

    // ---- relaying

    void read(Channel ch, Object msg) {
        if (ch == client) {
            fromClient(msg);
        } else if (ch == upstream) {
            fromUpstream(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void fromClient(Object msg) {
        if (msg instanceof HttpObject h && h.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            rejectClient("the request is not valid HTTP: " + h.decoderResult().cause().getMessage());
            return;
        }
        if (httpObjects && !(msg instanceof ByteBuf)) {
            if (lastRequestSeen && !requestOpen) {
                // The client said this connection ends after its last request: what it sends later is not relayed.
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpRequest r) {
                requestOpen = true;
                lastRequestSeen = !HttpUtil.isKeepAlive(r);
            }
            if (msg instanceof LastHttpContent) {
                requestOpen = false;
            }
        }
        if (waiting.isEmpty() && upstreamReady && !(msg instanceof Route)) {
            writeUpstream(msg);
            return;
        }
        waiting.add(msg);
        drain();
    }

    /** Sends queued client messages upstream in order; a Route to another host waits until answers are in. */
    private void drain() {
        while (!waiting.isEmpty()) {
            Object next = waiting.peek();
            if (next instanceof Route route) {
                if (upstream != null && route.target().equals(target)) {
                    waiting.poll();
                    continue;
                }
                if (!exchanges.isEmpty()) {
                    break;
                }
                waiting.poll();
                retireUpstream();
                connect(route.target(), false);
                break;
            }
            if (!upstreamReady) {
                break;
            }
            writeUpstream(waiting.poll());
        }
        if (upstreamReady) {
            upstream.flush();
        }
        reading(client, waiting.isEmpty() && (upstream == null || upstream.isWritable()));
    }

    private void writeUpstream(Object msg) {
        if (msg instanceof HttpRequest r) {
            exchanges.add(new Exchange(r.method().name() + " " + r.uri(), r.method().equals(HttpMethod.HEAD),
                    !HttpUtil.isKeepAlive(r)));
        }
        upstream.write(msg, upstream.voidPromise());
        if (!upstream.isWritable()) {
            reading(client, false);
            upstream.flush();
        }
    }

    private void fromUpstream(Object msg) {
        if (msg instanceof HttpObject h && h.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            upstreamFailed(upstream, "its answer is not valid HTTP: " + h.decoderResult().cause().getMessage());
            return;
        }
        boolean answered = false;
        if (msg instanceof HttpResponse r) {
            interimResponse = r.status().codeClass() == HttpStatusClass.INFORMATIONAL && r.status().code() != 101;
            switchingProtocols = r.status().code() == 101;
        }
        if (msg instanceof HttpResponse r && !interimResponse) {
            answering = true;
            closeAfterResponse = !switchingProtocols && endsConnection(r, exchanges.peek());
        }
        if (msg instanceof LastHttpContent && !interimResponse) {
            exchanges.poll();
            answered = true;
            answering = false;
        }
        client.write(msg, client.voidPromise());
        if (!client.isWritable()) {
            reading(upstream, false);
            client.flush();
        }
        if (answered && switchingProtocols) {
            relayBytesFromNowOn();
            return;
        }
        if (answered && closeAfterResponse) {
            // Connection: close or HTTP/1.0 on either side, or a body that lasts until the upstream closes: the
            // client reads to the end, so the end comes now, after everything relayed.
            releaseWaiting();
            retireUpstream();
            flushAndClose(client);
            return;
        }
        if (answered && exchanges.isEmpty() && deferredRejection != null) {
            byte[] rejection = deferredRejection;
            deferredRejection = null;
            client.flush();
            writeOwn(rejection, true);
            return;
        }
        if (answered && exchanges.isEmpty() && !waiting.isEmpty()) {
            client.flush();
            drain();
        }
    }

    /**
     * After 101 Switching Protocols (a WebSocket, say) neither side speaks HTTP/1.x any more: the codecs and rewrite
     * rules come out of both pipelines and the connection is relayed as bytes, as without rules. Taking a codec out
     * passes on whatever it had read past the handshake; the dissector, below the codecs, sees the switch itself.
     */
    private void relayBytesFromNowOn() {
        switchingProtocols = false;
        httpObjects = false;
        tunnel = true;
        client.flush();
        // Encoders first, on both sides: taking a decoder out relays at once what it held, which must not meet
        // the other side's HTTP encoder.
        for (ChannelPipeline p : new ChannelPipeline[] {client.pipeline(), upstream.pipeline()}) {
            if (p.get(ClientPipeline.HTTP) instanceof CombinedChannelDuplexHandler<?, ?> codec) {
                codec.removeOutboundHandler();
            }
        }
        ClientPipeline.removeHttp(upstream.pipeline(), false);
        ClientPipeline.removeHttp(client.pipeline(), false);
    }

    void readComplete(Channel ch) {
        lastActivity = System.nanoTime();
        if (ch == client) {
            if (upstreamReady) {
                upstream.flush();
            }
        } else {
            // Also for an upstream already let go: what it sent before it closed was written to the client.
            client.flush();
        }
    }

    void writabilityChanged(Channel ch) {
        if (ch == client) {
            if (upstream != null) {
                reading(upstream, client.isWritable());
            }
        } else if (ch == upstream) {
            reading(client, upstream.isWritable() && waiting.isEmpty());
        }
    }

    /** The request line of the response now arriving from upstream ("GET /"), for reports; null if unknown. */
    String currentExchange() {
        Exchange e = exchanges.peek();
        return e == null ? null : e.requestLine();
    }

    /**
     * Whether the connection ends after this final response: either side said so (Connection: close, or HTTP/1.0
     * without keep-alive), or its body has no length and so lasts until the upstream closes.
     */
    private static boolean endsConnection(HttpResponse r, Exchange answering) {
        if (answering != null && answering.lastRequest() || !HttpUtil.isKeepAlive(r)) {
            return true;
        }
        int code = r.status().code();
        boolean bodiless = code == 204 || code == 304 || answering != null && answering.head();
        return !bodiless && !HttpUtil.isContentLengthSet(r) && !HttpUtil.isTransferEncodingChunked(r);
    }

    // ---- the dissector's feed

    void wire(Direction direction, ChannelHandlerContext ctx) {
        if (direction == Direction.CLIENT_TO_SERVER) {
            clientWire = ctx;
        }
    }

    void feed(Direction direction, ByteBuf buf) {
        int n = buf.readableBytes();
        if (direction == Direction.SERVER_TO_CLIENT) {
            upstreamBytes += n;
        } else {
            clientBytes += n;
        }
        if (buf.hasArray()) {
            dissector.onData(direction, buf.array(), buf.arrayOffset() + buf.readerIndex(), n, 0, ProxyContext.micros());
            return;
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        buf.getBytes(buf.readerIndex(), scratch, 0, n);
        dissector.onData(direction, scratch, 0, n, 0, ProxyContext.micros());
    }

    /** Writes a response of the proxy's own to the client, below any HTTP codec, and shows it to the dissector. */
    private void writeOwn(byte[] response, boolean thenClose) {
        dissector.onData(Direction.SERVER_TO_CLIENT, response, 0, response.length, 0, ProxyContext.micros());
        var written = clientWire.writeAndFlush(Unpooled.wrappedBuffer(response));
        if (thenClose) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Tells a client that waits for request bodies to be aggregated to go ahead (Expect: 100-continue). */
    void sendContinue() {
        clientWire.writeAndFlush(Unpooled.wrappedBuffer(ProxyResponses.CONTINUE));
    }

    /**
     * Answers 400 and ends the connection; what the client sent from the bad request on is not relayed. Answers to
     * requests relayed before it come first. A request cut off in the middle leaves the upstream connection
     * unusable: it is dropped, with whatever of that request was not yet sent.
     */
    void rejectClient(String reason) {
        releaseWaiting();
        lastRequestSeen = true;
        reading(client, false);
        byte[] answer = ProxyResponses.badRequest(reason);
        if (requestOpen) {
            requestOpen = false;
            abandonUpstream();
            exchanges.clear();
        }
        if (exchanges.isEmpty() || !httpObjects) {
            client.flush();
            writeOwn(answer, true);
        } else {
            deferredRejection = answer;
        }
    }

    /** Closes the upstream connection without sending what was written to it and not yet flushed. */
    private void abandonUpstream() {
        Channel old = upstream;
        upstream = null;
        upstreamReady = false;
        target = null;
        if (old != null) {
            old.close();
        }
    }

    // ---- TLS

    void tlsHandshakeDone(Channel ch, SslHandshakeCompletionEvent event) {
        if (ch == client && interception != null) {
            ClientInterception done = interception;
            interception = null;
            if (done.handshakeDone(client, event)) {
                connect(done.target(), true);
            } else {
                client.close();
            }
        } else if (ch == upstream) {
            if (event.isSuccess()) {
                upstreamReady(ch);
            } else {
                upstreamFailed(ch, "TLS to the upstream failed: " + UpstreamConnector.explain(event.cause(), target));
            }
        }
    }

    // ---- ends

    void inputShutdown(Channel ch) {
        if (ch == client) {
            clientInputShut = true;
            if (upstreamReady && waiting.isEmpty()) {
                shutdownOutput(upstream, upstreamTls);
            } else if (upstream == null && waiting.isEmpty()) {
                flushAndClose(client);
            }
        } else if (ch == upstream) {
            client.flush();
            upstreamInputShut = true;
            if (keepsClientWithoutUpstream()) {
                retireUpstream();
                return;
            }
            if (upstreamBytes == 0 && clientHttp && clientBytes > 0) {
                upstreamFailed(ch, "it closed the connection without answering");
                return;
            }
            shutdownOutput(client, clientTls);
        }
        if (clientInputShut && upstreamInputShut) {
            flushAndClose(client);
            flushAndClose(upstream);
        }
    }

    void closed(Channel ch) {
        if (ch == client) {
            finish();
            if (upstream != null) {
                flushAndClose(upstream);
            }
        } else if (ch == upstream) {
            client.flush();
            if (keepsClientWithoutUpstream()) {
                retireUpstream();
                drain();
            } else if (upstreamBytes == 0 && clientHttp && clientBytes > 0) {
                upstreamFailed(ch, "it closed the connection without answering");
            } else {
                flushAndClose(client);
            }
        }
    }

    void failed(Channel ch, Throwable cause) {
        if (ch == upstream) {
            if (upstreamBytes == 0) {
                upstreamFailed(ch, UpstreamConnector.explain(cause, target));
            } else {
                ch.close();
            }
        } else if (ch == client) {
            // Resets and TLS failures toward the client (reported by the handshake event) end the connection.
            client.close();
        }
    }

    /** A forward proxy keeps the client's connection when an upstream it was done with goes away. */
    private boolean keepsClientWithoutUpstream() {
        return forward && httpObjects && !tunnel && exchanges.isEmpty();
    }

    private void shutdownOutput(Channel ch, boolean tls) {
        if (!ch.isActive()) {
            return;
        }
        if (tls || !(ch instanceof DuplexChannel duplex)) {
            flushAndClose(ch);
            return;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> duplex.shutdownOutput());
    }

    /**
     * Starts or stops reading a channel. A channel whose input has ended is left alone: there is nothing more to
     * read, and epoll refuses to watch a half-closed socket again.
     */
    private static void reading(Channel ch, boolean on) {
        if (on && ch instanceof DuplexChannel duplex && duplex.isInputShutdown()) {
            return;
        }
        ch.config().setAutoRead(on);
    }

    private static void flushAndClose(Channel ch) {
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (ch != null) {
            ch.close();
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        releaseWaiting();
        if (interception != null) {
            interception.close();
        }
        dissector.onClose(ConnectionListener.CloseReason.PROXY, 0, ProxyContext.micros());
    }

    private void releaseWaiting() {
        Object msg;
        while ((msg = waiting.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
