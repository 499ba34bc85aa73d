package analyzer.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Forward mode: reads where each request is going. An absolute-form request ({@code GET http://host:port/path})
 * is routed to that host and passed on in origin-form; {@code CONNECT host:port} opens a tunnel (after which the
 * client's bytes are sniffed for TLS as on a reverse proxy); anything else is answered 400.
 */
final class ForwardProxyHandler extends ChannelInboundHandlerAdapter {

    private enum State { REQUESTS, CONNECT, REJECTED }

    private final ProxiedConnection connection;
    private State state = State.REQUESTS;
    private HostAndPort connectTarget;

    ForwardProxyHandler(ProxiedConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state != State.REQUESTS) {
            ReferenceCountUtil.release(msg);
            if (state == State.CONNECT && msg instanceof LastHttpContent) {
                connection.openTunnel(ctx.pipeline(), connectTarget);
            }
            return;
        }
        if (msg instanceof HttpRequest request && !request.decoderResult().isFailure()) {
            route(ctx, request);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void route(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.method().equals(HttpMethod.CONNECT)) {
            try {
                connectTarget = HostAndPort.parse(request.uri(), -1);
                state = State.CONNECT;
            } catch (IllegalArgumentException e) {
                reject(request, "CONNECT needs HOST:PORT: " + e.getMessage());
            }
            ReferenceCountUtil.release(request);
            return;
        }
        URI uri;
        try {
            uri = new URI(request.uri());
        } catch (URISyntaxException e) {
            reject(request, "the request target is not a URI: " + e.getMessage());
            return;
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            reject(request, "this is a forward proxy: send absolute-form requests (curl -x http://PROXY …),"
                    + " or start it with --upstream HOST:PORT to relay to one server");
            return;
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            reject(request, "only http:// URLs are proxied this way; HTTPS goes through CONNECT");
            return;
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        HostAndPort target = new HostAndPort(host, uri.getPort() < 0 ? 80 : uri.getPort());
        String originForm = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            originForm += "?" + uri.getRawQuery();
        }
        request.setUri(originForm);
        if (!request.headers().contains(HttpHeaderNames.HOST)) {
            request.headers().set(HttpHeaderNames.HOST, uri.getRawAuthority());
        }
        request.headers().remove(HttpHeaderNames.PROXY_CONNECTION);
        ctx.fireChannelRead(new Route(target));
        ctx.fireChannelRead(request);
    }

    private void reject(HttpRequest request, String reason) {
        state = State.REJECTED;
        ReferenceCountUtil.release(request);
        connection.rejectClient(reason);
    }
}
