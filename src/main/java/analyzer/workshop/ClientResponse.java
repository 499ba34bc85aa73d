package analyzer.workshop;

import analyzer.dissect.HttpHeader;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * What the server answered. {@code tls} is null over plain HTTP.
 */
public record ClientResponse(String version, int status, String reason, List<HttpHeader> headers, byte[] body,
        TlsSession tls) {

    /**
     * The TLS session the answer came over.
     *
     * @param serverCertificates the chain the server presented, leaf first
     * @param verified           false when the client trusted anything ({@code --insecure})
     */
    public record TlsSession(String protocol, String cipherSuite, List<X509Certificate> serverCertificates,
            boolean verified) {
        public TlsSession {
            serverCertificates = List.copyOf(serverCertificates);
        }
    }

    public ClientResponse {
        headers = List.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean successful() {
        return status >= 200 && status < 300;
    }

    /** The first header of that name (case-insensitive), or null. */
    public String header(String name) {
        for (HttpHeader h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** The {@code name=value} of each Set-Cookie header, attributes dropped: what to send back as Cookie. */
    public List<String> cookies() {
        List<String> cookies = new ArrayList<>();
        for (HttpHeader h : headers) {
            if (h.name().equalsIgnoreCase("Set-Cookie")) {
                int semi = h.value().indexOf(';');
                cookies.add((semi < 0 ? h.value() : h.value().substring(0, semi)).trim());
            }
        }
        return cookies;
    }

    /** The status line as the server sent it, e.g. {@code HTTP/1.1 200 OK}. */
    public String statusLine() {
        return version + " " + status + (reason.isEmpty() ? "" : " " + reason);
    }
}
