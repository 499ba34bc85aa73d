package analyzer.dissect.session;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * A login sent in clear: the user and the secret as they crossed the wire (decoded from base64 where the protocol
 * encodes them). Printers mask the secret unless asked to show it.
 *
 * @param mechanism how it was sent: "AUTH PLAIN", "AUTH LOGIN", "LOGIN", "USER/PASS", "AUTH", "password message"
 * @param user      the user name, or null when the protocol sends none (Redis AUTH with a password only)
 * @param secret    the password or token, or null when only a challenge response crossed (CRAM-MD5, APOP)
 */
public record CredentialSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, String protocol,
                             String mechanism, String user, String secret) implements Event {
}
