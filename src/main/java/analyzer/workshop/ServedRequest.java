package analyzer.workshop;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One request the secret server answered, for its log and for a demo that wants to know what the server saw.
 *
 * @param method  the request method, or "-" when the request could not be parsed
 * @param path    the request target as sent (query included), or a reason when it could not be parsed
 * @param secure  whether it arrived over TLS
 * @param member  the member it was served as (logged in, or logging in successfully), or null
 */
public record ServedRequest(Instant time, InetSocketAddress client, String method, String path, int status,
        boolean secure, String member) {
}
