package analyzer.workshop;

import analyzer.dissect.Event;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.Direction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the wire shows of a step of the story having happened: an answer read in clear, a TLS handshake that
 * completed, or one that a client broke off. Pure functions over captured events, so that the guide's judgements
 * are testable without sockets.
 */
final class WireSigns {

    /**
     * The shortest record a TLS 1.3 client's Finished makes: 32 bytes of verify data (SHA-256), 4 of header, the
     * content type, a 16-byte tag. What the client sends first after the server's flight is its Finished, or an
     * alert saying why not (19 bytes, 35 from the JDK): anything shorter than a Finished is that alert.
     */
    static final int TLS13_FINISHED_MIN = 53;
    private static final int TLS13 = 0x0304;

    /** How one TLS connection to a port went, as far as the wire shows it. */
    record TlsConnection(int flowId, String version, String cipherSuite, int records, TlsRecordSeen alertInClear,
                         TlsRecordSeen alertEncrypted, boolean completed) {

        /** The client broke the handshake off with an alert (read in clear, or sized like one). */
        boolean refused() {
            return !completed && (alertInClear != null || alertEncrypted != null);
        }

        /** "TLS 1.3, TLS_AES_256_GCM_SHA384". */
        String negotiated() {
            return (version == null ? "TLS" : version) + (cipherSuite == null ? "" : ", " + cipherSuite);
        }

        /** "alert unknown_ca, read in clear (frame 9)" or "an encrypted record of 19 bytes, an alert's size …". */
        String howRefused() {
            if (alertInClear != null) {
                return "alert " + TlsNames.alertDescription(alertInClear.alert().description()) + ", read in clear ("
                        + Sightings.where(alertInClear) + ")";
            }
            return "an encrypted record of " + alertEncrypted.length() + " bytes where its Finished (" + TLS13_FINISHED_MIN
                    + " at least) would be, then nothing (" + Sightings.where(alertEncrypted) + "): under TLS 1.3"
                    + " even the alert is encrypted";
        }
    }

    private WireSigns() {
    }

    /** The first HTTP response sent from {@code port} that the wire showed in clear. */
    static Optional<HttpResponseSeen> answerFrom(List<Event> events, int port) {
        for (Event e : events) {
            if (e instanceof HttpResponseSeen r && !r.flow().insideTls() && r.flow().server().port() == port) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The last HTTP response sent from {@code port} before {@code answer}, if any: what was relayed. */
    static Optional<HttpResponseSeen> lastAnswerFromBefore(List<Event> events, int port, Event answer) {
        HttpResponseSeen last = null;
        for (Event e : events) {
            if (e == answer) {
                break;
            }
            if (e instanceof HttpResponseSeen r && !r.flow().insideTls() && r.flow().server().port() == port) {
                last = r;
            }
        }
        return Optional.ofNullable(last);
    }

    /** A response body as text for a line of the story, cut for a projector. */
    static String bodyText(HttpResponseSeen response) {
        String text = new String(response.body().shown(), StandardCharsets.UTF_8).strip();
        return Sightings.shorten(text.replaceAll("\\s+", " "), 40);
    }

    /** Every TLS connection to {@code port} the events show, in the order they began. */
    static List<TlsConnection> tlsTo(List<Event> events, int port) {
        Map<Integer, Progress> flows = new LinkedHashMap<>();
        for (Event e : events) {
            if (e instanceof TlsRecordSeen r && !r.flow().insideTls() && r.flow().server().port() == port) {
                flows.computeIfAbsent(r.flow().id(), id -> new Progress()).add(r);
            }
        }
        List<TlsConnection> connections = new ArrayList<>();
        flows.forEach((id, p) -> connections.add(new TlsConnection(id, p.version, p.cipherSuite, p.records,
                p.alertInClear, p.alertEncrypted, p.completed)));
        return connections;
    }

    /** The first connection to {@code port} whose handshake completed: both sides went on past it. */
    static Optional<TlsConnection> completedTo(List<Event> events, int port) {
        return tlsTo(events, port).stream().filter(TlsConnection::completed).findFirst();
    }

    /** The first connection to {@code port} whose client broke the handshake off. */
    static Optional<TlsConnection> refusedTo(List<Event> events, int port) {
        return tlsTo(events, port).stream().filter(TlsConnection::refused).findFirst();
    }

    /** Reads one connection's records in order. */
    private static final class Progress {
        String version;
        String cipherSuite;
        int records;
        boolean serverHello;
        boolean tls13;
        boolean clientFinished;
        boolean completed;
        TlsRecordSeen alertInClear;
        TlsRecordSeen alertEncrypted;

        void add(TlsRecordSeen r) {
            records++;
            for (TlsHandshake h : r.handshakes()) {
                if (h instanceof TlsHandshake.ServerHello hello) {
                    serverHello = true;
                    int selected = hello.selectedVersion() != 0 ? hello.selectedVersion() : hello.legacyVersion();
                    tls13 = selected == TLS13;
                    version = TlsNames.version(selected);
                    cipherSuite = TlsNames.cipherSuite(hello.cipherSuite());
                }
            }
            if (r.direction() == Direction.CLIENT_TO_SERVER) {
                if (r.alert() != null && r.alert().level() == 2 && !clientFinished) {
                    alertInClear = r;
                } else if (serverHello && r.encrypted() && !clientFinished && alertEncrypted == null
                        && r.contentType() != TlsRecordSeen.CHANGE_CIPHER_SPEC) {
                    if (tls13 && r.length() < TLS13_FINISHED_MIN) {
                        alertEncrypted = r;
                    } else {
                        clientFinished = true;
                    }
                }
            } else if (clientFinished && r.encrypted()) {
                completed = true;
            }
        }
    }
}
