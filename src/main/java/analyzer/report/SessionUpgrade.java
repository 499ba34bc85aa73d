package analyzer.report;

import analyzer.dissect.Frames;
import analyzer.dissect.session.CredentialSeen;
import analyzer.dissect.session.ProtocolTextSeen;
import analyzer.dissect.session.StartTlsSeen;
import analyzer.flow.Direction;
import analyzer.leaks.Masking;
import analyzer.report.EncryptionVerdict.Finding;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The verdict's view of a session that starts in clear and may upgrade to TLS (SMTP, IMAP, POP3, FTP with
 * STARTTLS; PostgreSQL's SSLRequest; Redis, telnet, which never do): upgraded before any credential or data, the
 * connection counts as encrypted ("upgraded to TLS at frame N; before that only the banner and EHLO"); a login or
 * data before the upgrade, or an upgrade offered and not taken, leaves it readable, with the evidence.
 */
final class SessionUpgrade {

    private static final int MAX_LISTED = 8;

    private String protocol;
    private final List<Finding> clear = new ArrayList<>();
    private int clearCount;
    private final List<Finding> credentials = new ArrayList<>();
    private final Set<String> negotiated = new LinkedHashSet<>();
    private boolean banner;
    private Finding offered;
    private long upgradeFrame = -1;
    private String upgradeCommand;

    boolean seen() {
        return protocol != null;
    }

    boolean upgraded() {
        return upgradeFrame >= 0;
    }

    /** Whether what crossed in clear makes the connection readable: a login, data, or never upgrading. */
    boolean readable() {
        return seen() && (!credentials.isEmpty() || clearCount > 0 || !upgraded());
    }

    void text(ProtocolTextSeen t) {
        protocol = t.protocol();
        if (upgraded()) {
            return;
        }
        if (!t.negotiation()) {
            clearCount++;
            if (clear.size() < MAX_LISTED) {
                String side = t.direction() == Direction.CLIENT_TO_SERVER ? "" : "reply ";
                clear.add(new Finding("in clear", t.protocol() + " " + side + t.lines().get(0), t.frames()));
            }
        } else if (t.direction() == Direction.SERVER_TO_CLIENT) {
            banner |= negotiated.isEmpty();
        } else {
            String[] words = t.lines().get(0).split(" ");
            String verb = t.protocol().equals("IMAP") && words.length > 1 ? words[1] : words[0];
            negotiated.add(verb.toUpperCase(Locale.ROOT));
        }
    }

    void credential(CredentialSeen c, boolean showSecrets) {
        protocol = c.protocol();
        if (credentials.size() < MAX_LISTED) {
            credentials.add(new Finding("credentials", describe(c, showSecrets), c.frames()));
        }
    }

    /** "SMTP AUTH PLAIN  user alice  password hunt…" */
    static String describe(CredentialSeen c, boolean showSecrets) {
        StringBuilder sb = new StringBuilder(c.protocol()).append(' ').append(c.mechanism());
        if (c.user() != null) {
            sb.append("  user ").append(c.user());
        }
        if (c.secret() != null) {
            sb.append("  password ").append(showSecrets ? c.secret() : Masking.shorten(c.secret()));
        }
        return sb.toString();
    }

    void startTls(StartTlsSeen s) {
        protocol = s.protocol();
        switch (s.step()) {
            case OFFERED -> {
                if (offered == null) {
                    offered = new Finding("starttls", s.detail(), s.frames());
                }
            }
            case REQUESTED -> upgradeCommand = s.detail();
            case ACCEPTED -> {
                if (!upgraded()) {
                    upgradeFrame = s.frames().first();
                }
            }
            case REFUSED -> { }
        }
    }

    /** For a readable session: "plaintext SMTP (TLS was offered and not taken)". */
    String readableSummary() {
        if (upgraded()) {
            return protocol + ", upgraded to TLS only at frame " + upgradeFrame
                    + (credentials.isEmpty() ? ": commands went in clear before" : ": a login went in clear before");
        }
        return "plaintext " + protocol + (offered != null ? " (TLS was offered and not taken)" : "");
    }

    /** What a readable session shows: the logins, what else crossed in clear, an upgrade offered and not taken. */
    List<Finding> findings() {
        List<Finding> all = new ArrayList<>(credentials);
        all.addAll(clear);
        if (clearCount > clear.size()) {
            all.add(new Finding("in clear", "… " + (clearCount - clear.size()) + " more commands and replies",
                    Frames.NONE));
        }
        if (!upgraded() && offered != null) {
            all.add(new Finding("starttls", "offered (" + offered.detail() + ") and not taken", offered.frames()));
        }
        return all;
    }

    /** For an upgraded one, before its TLS summary: "SMTP upgraded to TLS at frame 9; before that only …; then ". */
    String upgradePrefix() {
        return protocol + " upgraded to TLS at frame " + upgradeFrame + "; before that only " + beforeUpgrade()
                + "; then ";
    }

    /** "the banner and EHLO", "the SSLRequest": what crossed in clear before the upgrade. */
    private String beforeUpgrade() {
        List<String> parts = new ArrayList<>();
        if (banner) {
            parts.add("the banner");
        }
        for (String verb : negotiated) {
            if (upgradeCommand == null || !upgradeCommand.toUpperCase(Locale.ROOT).startsWith(verb)) {
                parts.add(verb);
            }
        }
        if (parts.isEmpty()) {
            return "the " + (upgradeCommand == null ? "upgrade request" : upgradeCommand);
        }
        return parts.size() == 1 ? parts.get(0)
                : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }
}
