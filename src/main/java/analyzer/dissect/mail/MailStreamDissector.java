package analyzer.dissect.mail;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.session.LineSplitter;
import analyzer.dissect.session.SessionEvents;
import analyzer.dissect.session.SessionPeer;
import analyzer.flow.Direction;

/**
 * One direction of a mail or FTP session: cut into lines for the shared {@link MailSession}; when the session says
 * the upgrade was accepted, the rest of this direction — and the other's — is handed to TLS.
 */
final class MailStreamDissector implements StreamDissector {

    private final StreamContext stream;
    private final MailSession session;
    private final SessionEvents events;
    private final LineSplitter lines = new LineSplitter();
    private final boolean client;
    private boolean overlongSaid;

    MailStreamDissector(StreamContext stream) {
        this.stream = stream;
        this.session = stream.connection().state(MailSession.class, MailSession::new);
        this.events = new SessionEvents(stream, "SMTP");
        this.client = stream.direction() == Direction.CLIENT_TO_SERVER;
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        SessionPeer.claim(stream, MailProtocol.INSTANCE);
        events.at(frame, timestampMicros);
        if (client && session.upgraded()) {
            toTls(data, offset, offset + length);
            return;
        }
        int end = offset + length;
        int stop = lines.feed(data, offset, length, new LineSplitter.Lines() {
            @Override
            public boolean line(String line, int endOffset) {
                MailSession.After after = client ? session.client(line, events) : session.server(line, events);
                return after == MailSession.After.TEXT;
            }

            @Override
            public void overlong() {
                if (!overlongSaid) {
                    overlongSaid = true;
                    events.malformed(session.protocolName(), "a line longer than " + LineSplitter.MAX_LINE
                            + " bytes: skipped to its end");
                }
            }
        });
        if (stop >= 0) {
            toTls(data, stop, end);
        }
    }

    /** The server accepted the upgrade: what follows on both sides is TLS. */
    private void toTls(byte[] data, int from, int end) {
        var tls = stream.protocols().byName("tls");
        if (!client && stream.peer().protocol() == MailProtocol.INSTANCE) {
            stream.peer().handOff(tls, data, from, 0);
        }
        stream.handOff(tls, data, from, end - from);
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        lines.takePending();
    }

    @Override
    public void close() {
        String rest = lines.takePending();
        if (rest != null && !rest.isEmpty()) {
            if (client) {
                session.client(rest, events);
            } else {
                session.server(rest, events);
            }
        }
        if (!client) {
            session.close();
        }
    }

    @Override
    public long retainedBytes() {
        return 600 + lines.footprint();
    }
}
