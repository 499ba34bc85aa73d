package analyzer.dissect.session;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * A step of an upgrade to TLS on a connection that began in clear: the server offering it (STARTTLS in its
 * capabilities), the client asking (STARTTLS, STLS, AUTH TLS, PostgreSQL's SSLRequest), the server accepting — after
 * which both directions carry TLS — or refusing.
 */
public record StartTlsSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, String protocol,
                           Step step, String detail) implements Event {

    public enum Step { OFFERED, REQUESTED, ACCEPTED, REFUSED }
}
