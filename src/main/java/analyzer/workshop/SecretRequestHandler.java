package analyzer.workshop;

import analyzer.dissect.TlsAlert;
import analyzer.dissect.TlsNames;
import analyzer.proxy.HandshakeWatcher;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLException;

/** Turns each aggregated HTTP request into a {@link SecretSite} call and writes the reply; reports each one. */
final class SecretRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final SecretSite site;
    private final SecretServer.Listener listener;
    private final boolean secure;

    SecretRequestHandler(SecretSite site, SecretServer.Listener listener, boolean secure) {
        this.site = site;
        this.listener = listener;
        this.secure = secure;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            String reason = String.valueOf(request.decoderResult().cause().getMessage());
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Bad request: " + reason + "\n",
                    listener, secure, "-", "(malformed: " + shorten(reason) + ")");
            return;
        }
        HttpMethod method = request.method();
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1) {
            // "PRI * HTTP/2.0" is the HTTP/2 preface: this server speaks HTTP/1.x, in which it says so.
            refuse(ctx, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "This server speaks HTTP/1.1; "
                    + version.text() + " is not supported.\n", listener, secure, method.name(), request.uri());
            return;
        }
        SecretSite.Reply reply = site.handle(new SecretSite.Request(method.name(), request.uri(),
                request.headers().get(HttpHeaderNames.COOKIE), request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                ByteBufUtil.getBytes(request.content()), secure));
        boolean head = method.equals(HttpMethod.HEAD);
        // An HTTP/1.0 client gets 1.0 answers (and their connection rules); any later 1.x is answered as 1.1.
        FullHttpResponse response = new DefaultFullHttpResponse(
                version.minorVersion() == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        for (Map.Entry<String, String> h : reply.headers()) {
            response.headers().add(h.getKey(), h.getValue());
        }
        // Reported before it is written, so whoever reads the answer finds the request already in the log.
        listener.request(new ServedRequest(Instant.now(), client(ctx.channel().remoteAddress()), method.name(),
                request.uri(), reply.status(), secure, reply.member()));
        ctx.writeAndFlush(response);
    }

    /** Answers a request that will not be served and closes the connection after the answer. */
    static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String body,
            SecretServer.Listener listener, boolean secure, String method, String path) {
        // Always 1.1: a request too broken to parse has no version of its own (Netty reports it as 1.0).
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, java.nio.charset.StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        listener.request(new ServedRequest(Instant.now(), client(ctx.channel().remoteAddress()), method, path,
                status.code(), secure, null));
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        if (event instanceof SslHandshakeCompletionEvent done) {
            HandshakeWatcher watcher = ctx.pipeline().get(HandshakeWatcher.class);
            if (done.isSuccess()) {
                if (watcher != null) {
                    watcher.finish(ctx.pipeline());
                }
            } else {
                listener.tlsFailure(client(ctx.channel().remoteAddress()),
                        tlsFailure(done.cause(), watcher == null ? null : watcher.clientAlert()));
                if (watcher != null) {
                    watcher.close();
                }
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Handshake failures were reported by their completion event; resets and the like need no report.
        ctx.close();
    }

    /**
     * A server-side handshake failure in the words a workshop uses: by the client's alert when there was one,
     * whether read in clear from the wire ({@code alertInClear}, as OpenSSL sends it under TLS 1.2, and under TLS
     * 1.3 before it switches keys) or decrypted by the TLS engine.
     */
    static String tlsFailure(Throwable cause, TlsAlert alertInClear) {
        if (alertInClear != null && alertInClear.level() == 2) {
            return alertEnded(TlsNames.alertDescription(alertInClear.description()));
        }
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof NotSslRecordException) {
            return "the client did not speak TLS (plain HTTP sent to the HTTPS port?)";
        }
        String m = String.valueOf(t.getMessage());
        int alert = m.indexOf("Received fatal alert: ");
        if (alert >= 0) {
            return alertEnded(m.substring(alert + "Received fatal alert: ".length()).trim());
        }
        if (t instanceof SSLException) {
            return shorten(m); // the log line already says "TLS handshake failed: "
        }
        return "the connection closed during the TLS handshake";
    }

    private static String alertEnded(String alert) {
        return TlsNames.rejectsCertificate(alert) ? "the client rejected the certificate (alert " + alert + ")"
                : "the client ended the handshake (alert " + alert + ")";
    }

    private static String shorten(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "…";
    }

    private static InetSocketAddress client(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    /** Netty's aggregator, with its 413 answer to an oversized body reported like every other request. */
    static final class Aggregator extends HttpObjectAggregator {
        private final SecretServer.Listener listener;
        private final boolean secure;

        Aggregator(int maxContentLength, SecretServer.Listener listener, boolean secure) {
            super(maxContentLength);
            this.listener = listener;
            this.secure = secure;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            if (oversized instanceof HttpRequest r) {
                refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "Request body larger than " + maxContentLength() + " bytes.\n", listener, secure,
                        r.method().name(), r.uri());
            } else {
                ctx.close();
            }
        }
    }
}
