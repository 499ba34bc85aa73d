package analyzer.dissect.session;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamProtocol;

/**
 * A session protocol is recognised on whichever side speaks first (the server's greeting, the client's startup);
 * the other side's first bytes may say nothing on their own ("EHLO me", a password message), so it is claimed.
 */
public final class SessionPeer {

    private SessionPeer() {
    }

    /** The other direction of this connection reads as {@code protocol} too, if it is still being recognised. */
    public static void claim(StreamContext stream, StreamProtocol protocol) {
        if (stream.peer().protocol() == null) {
            stream.peer().handOff(protocol, new byte[0], 0, 0);
        }
    }
}
