package analyzer.dissect.session;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.flow.Direction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One direction of a telnet session with its option negotiation (IAC sequences) taken out. The server's text is
 * shown line by line; what the client types is gathered into lines (a client in character mode sends one key per
 * segment), and a line typed after a "login:" prompt is the user, after a "Password:" prompt the password — a
 * credential in clear, though the server does not echo it.
 */
final class TelnetStreamDissector implements StreamDissector {

    static final String NAME = "telnet";
    private static final int MAX_LINE = 1024;
    private static final int SE = 240;
    private static final int SB = 250;

    /** What the two directions share: the prompt the server showed last, the user typed after "login:". */
    static final class State {
        final StringBuilder serverTail = new StringBuilder();
        /** The prompt shown when the client began its line (the server echoes what follows onto it). */
        String linePrompt = "";
        String user;
    }

    private final StreamContext stream;
    private final State state;
    private final SessionEvents events;
    private final boolean client;
    private final StringBuilder text = new StringBuilder();
    /** 0: data; 1: after IAC; 2: after IAC and an option verb; 3: in a subnegotiation; 4: IAC inside it. */
    private int iacState;
    private boolean overlong;
    /** Server: the line under way began with a prompt that was shown when it came ("Password: "). */
    private boolean promptShown;

    TelnetStreamDissector(StreamContext stream) {
        this.stream = stream;
        this.state = stream.connection().state(State.class, State::new);
        this.events = new SessionEvents(stream, NAME);
        this.client = stream.direction() == Direction.CLIENT_TO_SERVER;
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        SessionPeer.claim(stream, TelnetProtocol.INSTANCE);
        events.at(frame, timestampMicros);
        for (int i = offset; i < offset + length; i++) {
            int b = data[i] & 0xff;
            switch (iacState) {
                case 0 -> {
                    if (b == TelnetProtocol.IAC) {
                        iacState = 1;
                    } else {
                        character(b);
                    }
                }
                case 1 -> iacState = b == TelnetProtocol.IAC ? character(b) : b == SB ? 3 : b >= 251 ? 2 : 0;
                case 2 -> iacState = 0;
                case 3 -> iacState = b == TelnetProtocol.IAC ? 4 : 3;
                default -> iacState = b == SE ? 0 : 3;
            }
        }
        if (!client && text.length() > 0) {
            // A prompt ("login: ") waits without a line end: remember it for what the client types next, and
            // show it now, before what is typed at it.
            remember(text.toString());
            if (!promptShown && text.toString().strip().endsWith(":")) {
                promptShown = true;
                events.text(List.of(decoded(text.toString())), false);
            }
        }
    }

    /** @return the IAC state after it: data */
    private int character(int b) {
        if (b == '\r' || b == '\n') {
            if (text.length() > 0 || b == '\n') {
                endLine();
            }
        } else if (b != 0) {
            if (client && text.length() == 0) {
                state.linePrompt = state.serverTail.toString();
            }
            if (text.length() < MAX_LINE) {
                text.append((char) b);
            } else if (!overlong) {
                overlong = true;
                events.malformed(NAME, "a line longer than " + MAX_LINE + " characters: the rest of it is dropped");
            }
        }
        return 0;
    }

    private void endLine() {
        String line = decoded(text.toString());
        text.setLength(0);
        overlong = false;
        if (client) {
            typed(line);
        } else {
            remember(line);
            // A prompt already shown is shown again only with what was echoed after it ("login: alice").
            boolean echoed = !promptShown || !line.strip().endsWith(":");
            if (!line.isBlank() && echoed) {
                events.text(List.of(line), false);
            }
            promptShown = false;
            state.serverTail.setLength(0);
        }
    }

    private static String decoded(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private void remember(String shown) {
        state.serverTail.setLength(0);
        state.serverTail.append(shown.length() > 80 ? shown.substring(shown.length() - 80) : shown);
    }

    private void typed(String line) {
        String prompt = state.linePrompt.strip().toLowerCase(Locale.ROOT);
        if (prompt.endsWith("login:") || prompt.endsWith("username:") || prompt.endsWith("user:")) {
            state.user = line;
            events.text(List.of("login: " + line), false);
        } else if (prompt.endsWith("password:") || prompt.endsWith("passcode:")) {
            events.credential(NAME, "login", state.user, line);
        } else if (!line.isEmpty()) {
            events.text(List.of(line), false);
        }
        state.linePrompt = "";
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        text.setLength(0);
        iacState = 0;
        promptShown = false;
    }

    @Override
    public void close() {
        if (text.length() > 0 && client) {
            typed(text.toString());
        }
        text.setLength(0);
    }

    @Override
    public long retainedBytes() {
        // The server's tail is shared by both directions: each counts it, an overestimate of one small buffer.
        return 500 + 2L * text.capacity() + 2L * state.serverTail.capacity();
    }
}
