package analyzer.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Every HTTP request to the page goes through here first: the Host must name this server, an Origin must be this
 * page's, and the token must come with it (URL, cookie or bearer header) — otherwise 403 and nothing else. Then it
 * serves the page's files, a flow's details, the demo's "run again", and lets the WebSocket upgrade through to
 * {@link PageSocket}. The one request that makes the tool send traffic, running a demo stage, must also be a POST
 * from this very page.
 */
final class PageRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String SOCKET_PATH = "/events";

    /** Scripts, styles, images and sockets from this server only; nothing inline, no frames, no forms. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final WebAccess access;
    private final PageAssets assets;
    private final LiveView view;

    PageRequestHandler(WebAccess access, PageAssets assets, LiveView view) {
        this.access = access;
        this.assets = assets;
        this.view = view;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "malformed request\n"), true);
            return;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (!access.hostAllowed(host)) {
            // DNS rebinding: a page on another site whose name now points at 127.0.0.1 arrives with its own name.
            send(ctx, request, text(HttpResponseStatus.FORBIDDEN,
                    "this page answers to its address only (127.0.0.1 or localhost with its port)\n"), true);
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !access.originAllowed(origin, host)) {
            send(ctx, request, text(HttpResponseStatus.FORBIDDEN, "requests from other sites are refused\n"), true);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        String queryToken = first(uri.parameters().get("token"));
        boolean byQuery = access.tokenMatches(queryToken);
        boolean byCookie = access.tokenMatches(cookieToken(request.headers()));
        boolean byBearer = access.tokenMatches(bearerToken(request.headers()));
        if (!byQuery && !byCookie && !byBearer) {
            send(ctx, request, text(HttpResponseStatus.FORBIDDEN, "the token is missing or wrong: open the URL"
                    + " analyzer printed when it started (http://…/?token=…)\n"), true);
            return;
        }
        if (path.equals(SOCKET_PATH)) {
            if (origin == null && !byBearer) {
                send(ctx, request, text(HttpResponseStatus.FORBIDDEN, "the socket is for this page only\n"), true);
                return;
            }
            ctx.fireChannelRead(request.retain());
            return;
        }
        if (path.startsWith("/api/stages/") && path.endsWith("/run")) {
            runStage(ctx, request, path.substring("/api/stages/".length(), path.length() - "/run".length()),
                    origin != null || byBearer);
            return;
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            send(ctx, request, text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET here\n"), false);
            return;
        }
        if (byQuery && path.equals("/")) {
            // Keep the token as a cookie and out of the address bar, which a projector shows to the room.
            FullHttpResponse redirect = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER,
                    Unpooled.EMPTY_BUFFER);
            DefaultCookie cookie = new DefaultCookie(access.cookieName(), access.token());
            cookie.setHttpOnly(true);
            cookie.setPath("/");
            cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Strict);
            redirect.headers().set(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(cookie));
            redirect.headers().set(HttpHeaderNames.LOCATION, "/");
            send(ctx, request, redirect, false);
            return;
        }
        if (path.startsWith("/api/flows/")) {
            byte[] detail = view.detail(path.substring("/api/flows/".length()));
            send(ctx, request, detail == null
                    ? json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"this flow is no longer kept\"}")
                    : json(HttpResponseStatus.OK, detail), false);
            return;
        }
        PageAssets.Asset asset = assets.get(path);
        if (asset == null) {
            send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found\n"), false);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(asset.bytes()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType());
        send(ctx, request, response, false);
    }

    private void runStage(ChannelHandlerContext ctx, FullHttpRequest request, String stage, boolean fromPage) {
        if (request.method() != HttpMethod.POST) {
            send(ctx, request, text(HttpResponseStatus.METHOD_NOT_ALLOWED, "POST to run a stage\n"), false);
            return;
        }
        if (!fromPage) {
            send(ctx, request, text(HttpResponseStatus.FORBIDDEN, "stages run from the page only\n"), false);
            return;
        }
        DemoBoard board = view.board();
        String refused = board == null ? "this run is not a demo" : board.rerun(stage);
        if (refused != null) {
            send(ctx, request, json(HttpResponseStatus.CONFLICT, "{\"error\":" + quoted(refused) + "}"), false);
            return;
        }
        send(ctx, request, json(HttpResponseStatus.ACCEPTED, "{\"started\":" + quoted(stage) + "}"), false);
    }

    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder();
        new analyzer.report.JsonWriter(sb).string(s);
        return sb.toString();
    }

    private String cookieToken(HttpHeaders headers) {
        String header = headers.get(HttpHeaderNames.COOKIE);
        if (header == null || header.length() > 8192) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(header)) {
            if (c.name().equals(access.cookieName())) {
                return c.value();
            }
        }
        return null;
    }

    private static String bearerToken(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.AUTHORIZATION);
        return value != null && value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : null;
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return r;
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        return json(status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        return r;
    }

    /** Every answer carries the same strict headers; a refusal closes the connection. */
    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                             boolean close) {
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
        h.set("X-Content-Type-Options", "nosniff");
        h.set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (request.method() == HttpMethod.HEAD) {
            response.content().clear();
        }
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
