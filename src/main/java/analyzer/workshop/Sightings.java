package analyzer.workshop;

import analyzer.dissect.Event;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.TlsRecordSeen;
import analyzer.report.Leaks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What an attacker can take from the events it saw (on the wire or in its proxy): the secret, a session cookie to
 * replay, how much was only ciphertext. Pure functions over events, so the scoreboard's judgements are testable
 * without sockets.
 */
final class Sightings {

    /** A session cookie an attacker saw travel, ready to send back as a {@code Cookie} header. */
    record StolenCookie(String cookie, Event where) {
    }

    private Sightings() {
    }

    /** The first HTTP response whose (decoded) body contains {@code secret}. */
    static Optional<HttpResponseSeen> responseWith(List<Event> events, String secret) {
        byte[] pattern = secret.getBytes(StandardCharsets.UTF_8);
        for (Event e : events) {
            if (e instanceof HttpResponseSeen r && Leaks.bodyContains(r.body(), pattern)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The body of the first response to {@code GET /}: what a reader got instead of the secret (a token). */
    static Optional<String> firstSecretPageBody(List<Event> events) {
        for (Event e : events) {
            if (e instanceof HttpResponseSeen r && "/".equals(r.requestUri()) && r.body().text()) {
                return Optional.of(new String(r.body().shown(), StandardCharsets.UTF_8).strip());
            }
        }
        return Optional.empty();
    }

    static long tlsRecords(List<Event> events) {
        return events.stream().filter(e -> e instanceof TlsRecordSeen).count();
    }

    static long httpMessages(List<Event> events) {
        return events.stream().filter(e -> e instanceof HttpRequestSeen || e instanceof HttpResponseSeen).count();
    }

    /** The first TLS alert record that could be read in clear (a client turning a certificate down, in TLS 1.2). */
    static Optional<TlsRecordSeen> alertInClear(List<Event> events) {
        for (Event e : events) {
            if (e instanceof TlsRecordSeen r && r.alert() != null) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The first session cookie seen: a request's {@code Cookie} header (what the victim sends with every visit), or
     * a response's {@code Set-Cookie} (the login handing it out), reduced to {@code name=value}.
     */
    static Optional<StolenCookie> sessionCookie(List<Event> events, String cookieName) {
        String prefix = cookieName + "=";
        for (Event e : events) {
            List<HttpHeader> headers = e instanceof HttpRequestSeen q ? q.headers()
                    : e instanceof HttpResponseSeen r ? r.headers() : List.of();
            for (HttpHeader h : headers) {
                if (!h.name().equalsIgnoreCase("cookie") && !h.name().equalsIgnoreCase("set-cookie")) {
                    continue;
                }
                for (String pair : h.value().split(";")) {
                    String p = pair.strip();
                    if (p.startsWith(prefix) && p.length() > prefix.length()) {
                        return Optional.of(new StolenCookie(p, e));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** "frame 6", "frames 6, 9", or "seen by the proxy" for relayed bytes. */
    static String where(Event event) {
        if (event.frames().isEmpty()) {
            return "seen by the proxy";
        }
        return (event.frames().size() == 1 ? "frame " : "frames ") + event.frames();
    }

    /** A value cut for a projector: its first characters and an ellipsis. */
    static String shorten(String value, int keep) {
        return value.length() <= keep ? value : value.substring(0, keep) + "…";
    }
}
