package analyzer.dissect.session;

import analyzer.dissect.CarriesContent;
import analyzer.dissect.ContentView;
import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A command or reply of a text session protocol (SMTP, IMAP, POP3, FTP, Redis, telnet) or a summary of a binary
 * one's message (PostgreSQL), as readable by anyone on the path. Credentials never appear here: they come as
 * {@link CredentialSeen}.
 *
 * @param protocol    "SMTP", "IMAP", "POP3", "FTP", "PostgreSQL", "Redis", "telnet"
 * @param lines       the command, or the reply's lines (a multi-line reply is one event), each bounded
 * @param negotiation only greeting, capabilities or the upgrade itself: nothing a user sent (so it does not make a
 *                    connection that then upgrades to TLS readable)
 */
public record ProtocolTextSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, String protocol,
                               List<String> lines, boolean negotiation) implements Event, CarriesContent {

    public ProtocolTextSeen {
        lines = List.copyOf(lines);
    }

    /** What a user sent or got, searched by check like any message; negotiation carries nothing of theirs. */
    @Override
    public List<ContentView> contentViews() {
        if (negotiation) {
            return List.of();
        }
        String where = protocol + (direction == Direction.CLIENT_TO_SERVER ? " command" : " reply");
        return List.of(new ContentView(where, flow.insideTls() ? "decrypted TLS" : "", List.of(),
                String.join("\n", lines).getBytes(StandardCharsets.UTF_8), null, flow.insideTls()));
    }
}
