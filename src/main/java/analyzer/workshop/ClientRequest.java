package analyzer.workshop;

import analyzer.dissect.HttpHeader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request the secret client sends. Host, User-Agent, Accept and Content-Length are filled in unless a
 * header of that name is given.
 *
 * @param body empty for none
 */
public record ClientRequest(String method, URI url, List<HttpHeader> headers, byte[] body) {

    public static final String FORM = "application/x-www-form-urlencoded";

    public ClientRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body.clone();
        if (method.isEmpty() || !method.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new IllegalArgumentException("not an HTTP method: '" + method + "'");
        }
    }

    public static ClientRequest get(URI url) {
        return new ClientRequest("GET", url, List.of(), null);
    }

    /** A POST of these fields, form-urlencoded in the given order. */
    public static ClientRequest form(URI url, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            body.append(body.length() > 0 ? "&" : "")
                    .append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(f.getValue(), StandardCharsets.UTF_8));
        }
        return new ClientRequest("POST", url, List.of(new HttpHeader("Content-Type", FORM)),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    public ClientRequest withHeader(String name, String value) {
        List<HttpHeader> more = new ArrayList<>(headers);
        more.add(new HttpHeader(name, value));
        return new ClientRequest(method, url, more, body);
    }

    /** Adds a {@code Cookie} header, e.g. {@code withCookie("session=7f3a…")} to replay a stolen session. */
    public ClientRequest withCookie(String nameValue) {
        return withHeader("Cookie", nameValue);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
