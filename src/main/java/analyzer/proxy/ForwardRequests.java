package analyzer.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.URI;
import java.net.URISyntaxException;

/** Forward mode: where an absolute-form request ({@code GET http://host:port/path}) goes. */
final class ForwardRequests {

    private ForwardRequests() {
    }

    /**
     * The request's target; the request is turned to origin-form on the way (its path, with a Host header, without
     * Proxy-Connection).
     *
     * @throws IllegalArgumentException saying, for the client, why the request cannot be routed
     */
    static HostAndPort route(HttpRequest request) {
        URI uri;
        try {
            uri = new URI(request.uri());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the request target is not a URI: " + e.getMessage(), e);
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalArgumentException("this is a forward proxy: send absolute-form requests (curl -x http://PROXY …),"
                    + " or start it with --upstream HOST:PORT to relay to one server");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("only http:// URLs are proxied this way; HTTPS goes through CONNECT");
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
        return target;
    }
}
