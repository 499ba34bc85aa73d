package analyzer.proxy;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import analyzer.proxy.ConnectionCommands.Side;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One client connection and the upstream connection the proxy opens for it, as a state machine that does no I/O:
 * events come in as calls (bytes or messages from either side, the upstream ready or failed, half-closes,
 * writability, the idle timer), and what should happen goes out as {@link ConnectionCommands} (write, flush,
 * connect, close, shut down output, pause or resume reading, swap a side's codec). Attacks are {@link ProxyHook}s
 * called at the points they can look or act. The Netty adapter ({@link ClientSide}, {@link UpstreamSide}) turns
 * channel events into these calls; tests make the calls themselves.
 *
 * <p>The states are named: what the client speaks ({@link ClientState}), where the upstream connection stands
 * ({@link UpstreamState}), and when HTTP is relayed, where the requests ({@link Requests}) and the answer
 * ({@link Answer}) stand. Messages passed in belong to the machine: it relays them (as commands) or releases them.
 */
final class ProxiedConnection {

    /** What the client speaks, as far as the proxy knows yet. */
    enum ClientState {
        /**
         * Waiting for the first bytes (reverse mode; after a CONNECT that is intercepted). Once the client has been
         * silent a moment the upstream is connected, for protocols whose server speaks first; if it does, bytes
         * are relayed.
         */
        SNIFFING,
        /** Intercept: the TLS handshake with the forged certificate is under way. */
        HANDSHAKING,
        /** Intercept: the handshake succeeded; waiting for the first decrypted bytes. */
        SNIFFING_DECRYPTED,
        /** HTTP/1 messages are relayed (a forward proxy's clients start here). */
        HTTP,
        /** Forward mode, a CONNECT passed through: it is answered once the target accepts the connection. */
        TUNNEL_PENDING,
        /** Bytes are relayed both ways: TLS passed through, another protocol, a tunnel, after a 101. */
        BYTES,
        /** The client is gone. */
        CLOSED
    }

    /** Where the upstream connection of the moment stands. */
    enum UpstreamState {
        /** None yet, or the last one was let go (forward mode). */
        NONE,
        CONNECTING,
        READY,
        /** It has sent all it will send. */
        INPUT_ENDED,
        /** It could not be reached or failed; the client has been told or let go. */
        FAILED
    }

    /** HTTP relaying: where the client's requests stand. */
    enum Requests {
        BETWEEN,
        /** A request has started and not ended. */
        IN_REQUEST,
        /** A request that ends the connection after its answer has started and not ended. */
        IN_LAST_REQUEST,
        /** Forward mode: a CONNECT request is being read. */
        IN_CONNECT,
        /** The last request was read (or refused): nothing more from the client is relayed. */
        NO_MORE
    }

    /** HTTP relaying: where the upstream's answer stands. */
    enum Answer {
        /** Between answers: a 502 still means something to the client. */
        NONE,
        /** An interim response (100 Continue, 103) is being relayed; the final one follows. */
        INTERIM,
        FINAL,
        /** A final response after which the connection ends (see {@link #endsConnection}). */
        FINAL_THEN_CLOSE,
        /** 101 Switching Protocols: once it is relayed, bytes follow both ways. */
        SWITCHING
    }

    /** A request relayed upstream: its line for reports, and what its answer depends on. */
    private record Exchange(String requestLine, boolean head, boolean last) {
    }

    private final Flow flow;
    private final ProxyConfig config;
    private final ProxyHook[] hooks;
    private final ConnectionCommands io;
    private final ProxyListener listener;

    private ClientState client;
    private UpstreamState upstream = UpstreamState.NONE;
    private Requests requests = Requests.BETWEEN;
    private Answer answer = Answer.NONE;
    /** Where the upstream connection of the moment goes. */
    private HostAndPort target;
    private long upstreamBytes;
    private long clientBytes;
    private boolean upstreamWritable = true;
    private boolean clientInputEnded;
    /** Forward mode: where the CONNECT being read goes. */
    private HostAndPort connectTarget;
    /**
     * Why the upstream, connected while the client was silent, failed: told once the client shows whether it
     * would read a 502, or when it stays silent.
     */
    private String earlyFailure;

    /** Client messages not yet written upstream (it is connecting, or a Route waits for answers). */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>(4);
    /** Requests written upstream whose final response has not come back yet. */
    private final ArrayDeque<Exchange> exchanges = new ArrayDeque<>(4);
    /** The proxy's own 400, written once the answers to the requests before it are relayed. */
    private byte[] deferredRejection;
    private final HeldMessage heldRequest;
    private final HeldMessage heldResponse;

    ProxiedConnection(Flow flow, ProxyConfig config, ProxyHook[] hooks, ProxyListener listener,
                      ConnectionCommands io) {
        this.flow = flow;
        this.config = config;
        this.hooks = hooks;
        this.listener = listener;
        this.io = io;
        this.heldRequest = new HeldMessage(Direction.CLIENT_TO_SERVER, hooks, config.maxRewriteBody(),
                this::relayToUpstream, () -> answerClient(ProxyResponses.CONTINUE));
        this.heldResponse = new HeldMessage(Direction.SERVER_TO_CLIENT, hooks, config.maxRewriteBody(),
                this::relayToClient, null);
        // A forward proxy's client speaks HTTP to it until a CONNECT says otherwise.
        this.client = config.isForward() ? ClientState.HTTP : ClientState.SNIFFING;
    }

    Flow flow() {
        return flow;
    }

    ClientState clientState() {
        return client;
    }

    UpstreamState upstreamState() {
        return upstream;
    }

    // ---- what the client speaks

    /** A client connected: where its bytes go is known unless it must say (a forward proxy's client). */
    void clientConnected() {
        if (client == ClientState.SNIFFING) {
            io.awaitClientSilence();
        }
    }

    /**
     * The client has said nothing for a moment since it connected (or since its CONNECT was answered). SMTP, IMAP,
     * POP3, FTP and telnet clients wait for the server's greeting: the upstream is connected without a codec,
     * and whichever side speaks first decides how the connection is relayed. A client's HTTP request is still
     * parsed as HTTP ({@link #clientSpeaks}); a greeting makes it bytes ({@link #upstreamBytes}). Once the
     * upstream has failed, a second silence lets the client go.
     */
    void clientSilent() {
        if (client != ClientState.SNIFFING) {
            return;
        }
        if (upstream == UpstreamState.NONE) {
            connect(sniffedTarget(), false);
        } else if (earlyFailure != null) {
            tellEarlyFailure();
        }
    }

    private HostAndPort sniffedTarget() {
        return connectTarget != null ? connectTarget : config.upstream();
    }

    /** The first bytes of the client (or of a CONNECT tunnel) were sniffed. */
    void clientSpeaks(ProtocolSniffer.Speaks speaks) {
        HostAndPort to = sniffedTarget();
        boolean intercepted = speaks == ProtocolSniffer.Speaks.TLS && config.tls() == TlsMode.INTERCEPT;
        if (intercepted && upstream != UpstreamState.NONE) {
            // Connected while the client was silent, in clear: the decrypted side needs a TLS upstream of its own.
            upstream = UpstreamState.NONE;
            earlyFailure = null;
            io.abandonUpstream();
        }
        if (speaks == ProtocolSniffer.Speaks.HTTP) {
            client = ClientState.HTTP;
            io.relayClientHttp();
            if (upstream == UpstreamState.NONE) {
                connect(to, false);
            } else if (upstream != UpstreamState.FAILED) {
                io.relayUpstreamHttp();
            }
        } else if (!intercepted) {
            client = ClientState.BYTES;
            io.relayClientBytes();
            if (upstream == UpstreamState.NONE) {
                connect(to, false);
            }
        } else {
            client = ClientState.HANDSHAKING;
            target = to;
            io.interceptClientTls(to);
        }
        if (earlyFailure != null) {
            tellEarlyFailure();
        }
    }

    /** Tells the failure of the upstream connected early, now that the client spoke or stayed silent. */
    private void tellEarlyFailure() {
        String reason = earlyFailure;
        earlyFailure = null;
        boolean badGateway = clientUnderstands502();
        io.report(new UpstreamFailure(flow, ProxyContext.micros(), target, reason, badGateway));
        if (badGateway) {
            answerClient(ProxyResponses.badGateway("cannot reach " + target + ": " + reason));
        }
        endClient();
    }

    /** Intercept mode: the client's handshake with the forged certificate ended. */
    void clientHandshakeDone(ClientHandshake handshake) {
        for (ProxyHook hook : hooks) {
            hook.clientHandshake(handshake);
        }
        if (handshake.succeeded()) {
            client = ClientState.SNIFFING_DECRYPTED;
            connect(target, true);
        } else {
            io.close(Side.CLIENT);
        }
    }

    /**
     * Intercept mode: the first decrypted bytes show whether the client speaks HTTP. Messages are relayed from now
     * on if it does and the upstream has not spoken first (an HTTP server never does); bytes otherwise.
     */
    void decryptedSpeaks(boolean http) {
        if (http && upstreamBytes == 0) {
            client = ClientState.HTTP;
            io.relayClientHttp();
            if (upstream != UpstreamState.NONE) {
                io.relayUpstreamHttp();
            }
        } else {
            client = ClientState.BYTES;
        }
    }

    // ---- the upstream connection

    private void connect(HostAndPort to, boolean tls) {
        target = to;
        upstream = UpstreamState.CONNECTING;
        upstreamBytes = 0;
        io.connect(to, tls, client == ClientState.HTTP);
    }

    /** The upstream accepted the connection (and, over TLS, the handshake succeeded). */
    void upstreamReady() {
        if (upstream != UpstreamState.CONNECTING) {
            return;
        }
        upstream = UpstreamState.READY;
        if (client == ClientState.TUNNEL_PENDING) {
            client = ClientState.BYTES;
            answerClient(ProxyResponses.CONNECTION_ESTABLISHED);
        }
        drain();
        if (clientInputEnded && waiting.isEmpty()) {
            io.endOutput(Side.UPSTREAM);
        }
    }

    /** The upstream could not be reached, or failed before it had answered. */
    void upstreamFailed(String reason) {
        if (upstream == UpstreamState.NONE || upstream == UpstreamState.FAILED) {
            return;
        }
        upstream = UpstreamState.FAILED;
        if (client == ClientState.SNIFFING) {
            // Connected while the client was silent: whether a 502 means anything to it is not known yet.
            earlyFailure = reason;
            io.retireUpstream();
            io.awaitClientSilence();
            return;
        }
        if (client == ClientState.CLOSED) {
            // The client is gone (or was refused): the upstream's end concerns nobody.
            io.retireUpstream();
            return;
        }
        boolean nothingRelayed = client == ClientState.HTTP ? answer == Answer.NONE : upstreamBytes == 0;
        boolean badGateway = clientUnderstands502() && nothingRelayed;
        io.report(new UpstreamFailure(flow, ProxyContext.micros(), target, reason, badGateway));
        releaseWaiting();
        io.retireUpstream();
        if (badGateway) {
            answerClient(ProxyResponses.badGateway("cannot reach " + target + ": " + reason));
            endClient();
        } else {
            endClient();
        }
    }

    /** Whether the client would read an HTTP answer from the proxy now. */
    private boolean clientUnderstands502() {
        return client == ClientState.HTTP || client == ClientState.SNIFFING_DECRYPTED
                || client == ClientState.TUNNEL_PENDING;
    }

    /** Forward mode: lets go of the current upstream connection (its close no longer concerns the client). */
    private void retireUpstream() {
        if (upstream != UpstreamState.NONE) {
            upstream = UpstreamState.NONE;
            target = null;
            io.retireUpstream();
        }
    }

    // ---- relaying

    /** Bytes the client sent, as read (plaintext under intercepted TLS), before any HTTP codec. */
    void clientBytes(ByteBuf bytes) {
        clientBytes += bytes.readableBytes();
        for (ProxyHook hook : hooks) {
            hook.bytes(Direction.CLIENT_TO_SERVER, bytes);
        }
    }

    /** Bytes the upstream sent, as read (plaintext under TLS), before any HTTP codec. */
    void upstreamBytes(ByteBuf bytes) {
        if (client == ClientState.SNIFFING) {
            // A greeting before the client said anything (an HTTP server never speaks first): bytes both ways.
            client = ClientState.BYTES;
            io.relayClientBytes();
        }
        upstreamBytes += bytes.readableBytes();
        for (ProxyHook hook : hooks) {
            hook.bytes(Direction.SERVER_TO_CLIENT, bytes);
        }
    }

    /** What reached the end of the client's pipeline: bytes, or an HTTP object. */
    void clientMessage(Object msg) {
        if (client != ClientState.HTTP) {
            relayToUpstream(msg);
            return;
        }
        if (msg instanceof HttpObject h && h.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            rejectClient("the request is not valid HTTP: " + h.decoderResult().cause().getMessage());
            return;
        }
        switch (requests) {
            case NO_MORE -> {
                // The client said this connection ends after its last request: what it sends later is not relayed.
                ReferenceCountUtil.release(msg);
                return;
            }
            case IN_CONNECT -> {
                ReferenceCountUtil.release(msg);
                if (msg instanceof LastHttpContent) {
                    openTunnel();
                }
                return;
            }
            default -> {
            }
        }
        if (msg instanceof HttpRequest r) {
            if (routesRequests() && !route(r)) {
                return;
            }
            requests = HttpUtil.isKeepAlive(r) ? Requests.IN_REQUEST : Requests.IN_LAST_REQUEST;
            heldRequest.start(r, r.method().name() + " " + r.uri());
            return;
        }
        if (msg instanceof LastHttpContent) {
            requests = requests == Requests.IN_LAST_REQUEST ? Requests.NO_MORE : Requests.BETWEEN;
        }
        heldRequest.content(msg);
    }

    /** Forward mode, outside a CONNECT tunnel: each request says where it goes. */
    private boolean routesRequests() {
        return config.isForward() && connectTarget == null;
    }

    /**
     * Forward mode: where the request goes. An absolute-form request goes to its host, in origin-form; a CONNECT
     * opens a tunnel once its end is read; anything else is refused.
     *
     * @return whether the request is to be relayed
     */
    private boolean route(HttpRequest request) {
        if (request.method().equals(HttpMethod.CONNECT)) {
            try {
                connectTarget = HostAndPort.parse(request.uri(), -1);
                requests = Requests.IN_CONNECT;
            } catch (IllegalArgumentException e) {
                rejectClient("CONNECT needs HOST:PORT: " + e.getMessage());
            }
            return false;
        }
        try {
            waiting.add(new Route(ForwardRequests.route(request)));
            return true;
        } catch (IllegalArgumentException e) {
            rejectClient(e.getMessage());
            return false;
        }
    }

    /** Forward mode, CONNECT: answer 200 and treat what follows as a new client connection to its target. */
    private void openTunnel() {
        retireUpstream();
        requests = Requests.BETWEEN;
        if (config.tls() == TlsMode.PASSTHROUGH) {
            // The tunnel is relayed as it is: connect first, so an unreachable target is answered 502, not 200.
            client = ClientState.TUNNEL_PENDING;
            io.relayClientBytesAfterConnect();
            connect(connectTarget, false);
            return;
        }
        client = ClientState.SNIFFING;
        answerClient(ProxyResponses.CONNECTION_ESTABLISHED);
        io.sniffClient();
        io.awaitClientSilence();
    }

    /** A request part on its way upstream, after any hook that wanted the whole body. */
    private void relayToUpstream(Object msg) {
        if (waiting.isEmpty() && upstream == UpstreamState.READY) {
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
                if (upstream != UpstreamState.NONE && route.target().equals(target)) {
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
            if (upstream != UpstreamState.READY) {
                break;
            }
            writeUpstream(waiting.poll());
        }
        if (upstream == UpstreamState.READY) {
            io.flush(Side.UPSTREAM);
        }
        io.read(Side.CLIENT, waiting.isEmpty() && upstreamWritable);
    }

    private void writeUpstream(Object msg) {
        if (msg instanceof HttpRequest r) {
            exchanges.add(new Exchange(r.method().name() + " " + r.uri(), r.method().equals(HttpMethod.HEAD),
                    !HttpUtil.isKeepAlive(r)));
        }
        io.write(Side.UPSTREAM, msg);
    }

    /** What reached the end of the upstream's pipeline: bytes, or an HTTP object. */
    void upstreamMessage(Object msg) {
        if (client != ClientState.HTTP) {
            io.write(Side.CLIENT, msg);
            return;
        }
        if (msg instanceof HttpObject h && h.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            upstreamFailed("its answer is not valid HTTP: " + h.decoderResult().cause().getMessage());
            return;
        }
        if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            Exchange e = exchanges.peek();
            heldResponse.start(r, e == null ? null : e.requestLine());
            return;
        }
        if (msg instanceof HttpResponse) {
            relayToClient(msg);
            return;
        }
        heldResponse.content(msg);
    }

    private static boolean isInterim(HttpResponse r) {
        return r.status().codeClass() == HttpStatusClass.INFORMATIONAL && r.status().code() != 101;
    }

    /** A response part on its way to the client, after any hook that wanted the whole body. */
    private void relayToClient(Object msg) {
        if (msg instanceof HttpResponse r) {
            answer = isInterim(r) ? Answer.INTERIM : r.status().code() == 101 ? Answer.SWITCHING
                    : endsConnection(r, exchanges.peek()) ? Answer.FINAL_THEN_CLOSE : Answer.FINAL;
        }
        Answer ended = null;
        if (msg instanceof LastHttpContent) {
            ended = answer;
            answer = Answer.NONE;
            if (ended != Answer.INTERIM) {
                exchanges.poll();
            }
        }
        io.write(Side.CLIENT, msg);
        if (ended == null || ended == Answer.INTERIM) {
            return;
        }
        if (ended == Answer.SWITCHING) {
            // Neither side speaks HTTP/1.x any more: relayed as bytes, as without rules.
            client = ClientState.BYTES;
            io.flush(Side.CLIENT);
            io.relayBytesFromNowOn();
        } else if (ended == Answer.FINAL_THEN_CLOSE) {
            // Connection: close or HTTP/1.0 on either side, or a body that lasts until the upstream closes: the
            // client reads to the end, so the end comes now, after everything relayed.
            releaseWaiting();
            retireUpstream();
            endClient();
        } else if (exchanges.isEmpty() && deferredRejection != null) {
            byte[] rejection = deferredRejection;
            deferredRejection = null;
            answerClient(rejection);
            endClient();
        } else if (exchanges.isEmpty() && !waiting.isEmpty()) {
            io.flush(Side.CLIENT);
            drain();
        }
    }

    /**
     * Whether the connection ends after this final response: either side said so (Connection: close, or HTTP/1.0
     * without keep-alive), or its body has no length and so lasts until the upstream closes.
     */
    private static boolean endsConnection(HttpResponse r, Exchange answering) {
        if (answering != null && answering.last() || !HttpUtil.isKeepAlive(r)) {
            return true;
        }
        int code = r.status().code();
        boolean bodiless = code == 204 || code == 304 || answering != null && answering.head();
        return !bodiless && !HttpUtil.isContentLengthSet(r) && !HttpUtil.isTransferEncodingChunked(r);
    }

    /** The request line of the response now arriving from upstream ("GET /"), for reports; null if unknown. */
    String currentExchange() {
        Exchange e = exchanges.peek();
        return e == null ? null : e.requestLine();
    }

    void clientReadComplete() {
        if (upstream == UpstreamState.READY) {
            io.flush(Side.UPSTREAM);
        }
    }

    void upstreamReadComplete() {
        io.flush(Side.CLIENT);
    }

    void clientWritable(boolean writable) {
        if (upstream != UpstreamState.NONE) {
            io.read(Side.UPSTREAM, writable);
        }
        if (!writable) {
            io.flush(Side.CLIENT);
        }
    }

    void upstreamWritable(boolean writable) {
        upstreamWritable = writable;
        io.read(Side.CLIENT, writable && waiting.isEmpty());
        if (!writable) {
            io.flush(Side.UPSTREAM);
        }
    }

    // ---- answers of the proxy's own

    /** Writes a response of the proxy's own to the client, below any codec, and shows it to the hooks. */
    private void answerClient(byte[] response) {
        ByteBuf shown = Unpooled.wrappedBuffer(response);
        for (ProxyHook hook : hooks) {
            hook.bytes(Direction.SERVER_TO_CLIENT, shown);
        }
        io.answerClient(response);
    }

    /**
     * Answers 400 and ends the connection; what the client sent from the bad request on is not relayed. Answers to
     * requests relayed before it come first. A request cut off in the middle leaves the upstream connection
     * unusable: it is dropped, with whatever of that request was not yet sent.
     */
    void rejectClient(String reason) {
        boolean cutOff = requests == Requests.IN_REQUEST || requests == Requests.IN_LAST_REQUEST;
        requests = Requests.NO_MORE;
        releaseWaiting();
        heldRequest.drop();
        io.read(Side.CLIENT, false);
        byte[] rejection = ProxyResponses.badRequest(reason);
        if (cutOff && upstream != UpstreamState.NONE) {
            upstream = UpstreamState.NONE;
            target = null;
            exchanges.clear();
            io.abandonUpstream();
        }
        if (exchanges.isEmpty()) {
            io.flush(Side.CLIENT);
            answerClient(rejection);
            endClient();
        } else {
            deferredRejection = rejection;
        }
    }

    // ---- ends

    void clientInputEnded() {
        clientInputEnded = true;
        if (upstream == UpstreamState.READY && waiting.isEmpty()) {
            io.endOutput(Side.UPSTREAM);
        } else if (upstream == UpstreamState.NONE && waiting.isEmpty()) {
            endClient();
        }
        if (upstream == UpstreamState.INPUT_ENDED) {
            endClient();
            io.close(Side.UPSTREAM);
        }
    }

    void upstreamInputEnded() {
        io.flush(Side.CLIENT);
        if (upstream == UpstreamState.NONE || upstream == UpstreamState.FAILED) {
            return;
        }
        if (keepsClientWithoutUpstream()) {
            retireUpstream();
            return;
        }
        if (noAnswerYet()) {
            upstreamFailed("it closed the connection without answering");
            return;
        }
        upstream = UpstreamState.INPUT_ENDED;
        if (client != ClientState.CLOSED) {
            io.endOutput(Side.CLIENT);
        }
        if (clientInputEnded) {
            endClient();
            io.close(Side.UPSTREAM);
        }
    }

    void upstreamClosed() {
        io.flush(Side.CLIENT);
        if (upstream == UpstreamState.NONE || upstream == UpstreamState.FAILED) {
            return;
        }
        if (keepsClientWithoutUpstream()) {
            retireUpstream();
            drain();
        } else if (noAnswerYet()) {
            upstreamFailed("it closed the connection without answering");
        } else {
            retireUpstream();
            endClient();
        }
    }

    /** The upstream failed with an error (a reset, a TLS or codec error). */
    void upstreamError(String reason) {
        if (upstreamBytes == 0) {
            upstreamFailed(reason);
        } else {
            // Its close follows, and ends the client's side as any close would.
            io.close(Side.UPSTREAM);
        }
    }

    private boolean noAnswerYet() {
        return upstreamBytes == 0 && clientUnderstands502() && clientBytes > 0;
    }

    /** A forward proxy keeps the client's connection when an upstream it was done with goes away. */
    private boolean keepsClientWithoutUpstream() {
        return routesRequests() && client == ClientState.HTTP && exchanges.isEmpty() && answer == Answer.NONE;
    }

    /** The client is gone (or was let go after its last answer). */
    void clientClosed() {
        if (client == ClientState.CLOSED) {
            return;
        }
        client = ClientState.CLOSED;
        releaseWaiting();
        heldRequest.drop();
        heldResponse.drop();
        for (ProxyHook hook : hooks) {
            hook.closed();
        }
        if (upstream != UpstreamState.NONE) {
            upstream = UpstreamState.NONE;
            io.retireUpstream();
        }
    }

    /** Resets and TLS failures toward the client end the connection. */
    void clientError() {
        io.close(Side.CLIENT);
    }

    /** Neither side has sent anything for the idle timeout. */
    void idleTimeout() {
        io.close(Side.CLIENT);
        if (upstream != UpstreamState.NONE) {
            upstream = UpstreamState.NONE;
            io.abandonUpstream();
        }
    }

    private void endClient() {
        io.close(Side.CLIENT);
    }

    private void releaseWaiting() {
        Object msg;
        while ((msg = waiting.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
