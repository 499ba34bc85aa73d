package analyzer.proxy;

import java.nio.charset.StandardCharsets;

/** The few responses the proxy writes itself, as bytes: they go out below any HTTP codec and to the dissector. */
final class ProxyResponses {

    static final byte[] CONNECTION_ESTABLISHED =
            "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ProxyResponses() {
    }

    static byte[] badGateway(String reason) {
        return closing(502, "Bad Gateway", "analyzer proxy: " + reason);
    }

    static byte[] badRequest(String reason) {
        return closing(400, "Bad Request", "analyzer proxy: " + reason);
    }

    /** A short text response after which the proxy closes the connection. */
    static byte[] closing(int code, String phrase, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + code + " " + phrase + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }
}
