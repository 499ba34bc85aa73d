package analyzer.dissect.mail;

import analyzer.dissect.session.SessionEvents;
import analyzer.dissect.session.StartTlsSeen.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The logic of one SMTP, IMAP, POP3 or FTP session, both directions, line by line: which of the four it is (from
 * the server's greeting, or the client's first command when the greeting does not say), the commands and replies,
 * logins (decoded from SASL's base64), and the upgrade to TLS (offered in the capabilities, requested, accepted or
 * refused). Does no I/O: the stream dissectors feed it lines and act on what it answers.
 */
final class MailSession {

    enum Dialect {
        SMTP("SMTP"), IMAP("IMAP"), POP3("POP3"), FTP("FTP");

        final String label;

        Dialect(String label) {
            this.label = label;
        }
    }

    /** What the line fed means for the bytes after it. */
    enum After { TEXT, TLS }

    /** Lines kept of one multi-line reply; the rest are counted. */
    static final int MAX_REPLY_LINES = 32;
    /** Characters kept of one line in an event. */
    static final int MAX_SHOWN = 512;

    private Dialect dialect;
    /** A "220" greeting that names neither SMTP nor FTP waits for the client's first command to tell. */
    private List<String> heldGreeting;
    private SessionEvents heldGreetingEvents;
    private final List<String> reply = new ArrayList<>();
    private int replyMore;
    /** SMTP/FTP: the code of the multi-line reply under way ("211" after "211-"), or null. */
    private String openReplyCode;
    /** Whether the client's last command was only negotiation (so is the server's answer to it). */
    private boolean lastCommandNegotiation = true;
    private String lastCommand = "";
    private boolean startTlsRequested;
    private boolean upgraded;
    /** A SASL exchange in progress: the mechanism, and for LOGIN the user name given so far. */
    private String saslMechanism;
    private String saslUser;
    private boolean saslUserAsked;
    private String pop3User;
    private String ftpUser;
    /** POP3: the reply under way is a multi-line one, ending with ".". */
    private boolean pop3MultiLine;
    /** SMTP: the message text after DATA, up to the "." line. */
    private boolean smtpData;
    private int smtpDataLines;
    private final List<String> smtpHeaders = new ArrayList<>();
    /** IMAP: a LOGIN whose next argument is a literal on the next line. */
    private String imapLiteralCommand;

    boolean upgraded() {
        return upgraded;
    }

    String protocolName() {
        return dialect == null ? "SMTP/FTP" : dialect.label;
    }

    // ---- the server

    After server(String line, SessionEvents out) {
        if (dialect == null && heldGreeting == null) {
            greeting(line, out);
            return After.TEXT;
        }
        if (dialect == null) {
            collectHeldGreeting(line);
            return After.TEXT;
        }
        return switch (dialect) {
            case SMTP, FTP -> codedReply(line, out);
            case IMAP -> imapServer(line, out);
            case POP3 -> pop3Server(line, out);
        };
    }

    private void greeting(String line, SessionEvents out) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("+OK")) {
            dialect = Dialect.POP3;
            out.text(dialect.label, List.of(shown(line)), true);
        } else if (upper.startsWith("* ")) {
            dialect = Dialect.IMAP;
            out.text(dialect.label, List.of(shown(line)), true);
            if (upper.contains("STARTTLS")) {
                out.startTls(dialect.label, Step.OFFERED, "STARTTLS in the greeting's capabilities");
            }
        } else if (upper.contains("FTP")) {
            dialect = Dialect.FTP;
            codedReply(line, out);
        } else if (upper.contains("SMTP") || !upper.startsWith("220")) {
            dialect = Dialect.SMTP;
            codedReply(line, out);
        } else {
            heldGreeting = new ArrayList<>(List.of(shown(line)));
            heldGreetingEvents = out;
            heldGreetingFrames = out.frames();
            heldGreetingTime = out.timestampMicros();
            heldGreetingDone = line.length() < 4 || line.charAt(3) != '-';
        }
    }

    private analyzer.dissect.Frames heldGreetingFrames;
    private long heldGreetingTime;
    private boolean heldGreetingDone;

    private void collectHeldGreeting(String line) {
        if (!heldGreetingDone && heldGreeting.size() < MAX_REPLY_LINES) {
            heldGreeting.add(shown(line));
        }
        heldGreetingDone |= line.length() < 4 || line.charAt(3) != '-';
    }

    /** The client spoke: an undecided "220" greeting is SMTP or FTP by its first command. */
    private void decide(Dialect d) {
        dialect = d;
        if (heldGreeting != null) {
            analyzer.dissect.Frames now = heldGreetingEvents.frames();
            long nowTime = heldGreetingEvents.timestampMicros();
            heldGreetingEvents.at(heldGreetingFrames, heldGreetingTime);
            heldGreetingEvents.text(d.label, heldGreeting, true);
            heldGreetingEvents.at(now, nowTime);
            heldGreeting = null;
        }
    }

    /** The session ended: a greeting still undecided is shown as it is. */
    void close() {
        if (heldGreeting != null) {
            heldGreetingEvents.at(heldGreetingFrames, heldGreetingTime);
            heldGreetingEvents.text("SMTP/FTP", heldGreeting, true);
            heldGreeting = null;
        }
    }

    /** SMTP and FTP replies: "250-first", …, "250 last"; the last line completes the reply. */
    private After codedReply(String line, SessionEvents out) {
        if (reply.size() < MAX_REPLY_LINES) {
            reply.add(shown(line));
        } else {
            replyMore++;
        }
        boolean coded = line.length() >= 4 && line.substring(0, 3).chars().allMatch(Character::isDigit);
        if (openReplyCode == null && coded && line.charAt(3) == '-') {
            openReplyCode = line.substring(0, 3);
        }
        // RFC 959 4.2: a multi-line reply ends only at its code and a space; lines between may be anything
        // (FTP's FEAT lists its features as " AUTH TLS").
        boolean last = openReplyCode == null || line.startsWith(openReplyCode + " ") || line.equals(openReplyCode);
        if (!last) {
            return After.TEXT;
        }
        openReplyCode = null;
        List<String> lines = finishReply();
        String code = line.length() >= 3 ? line.substring(0, 3) : line;
        out.text(dialect.label, lines, lastCommandNegotiation);
        // Offered only in the reply listing extensions (EHLO's 250, FEAT's 211), not in a reply that names it.
        if (code.equals(dialect == Dialect.SMTP ? "250" : "211")) {
            for (String l : lines) {
                String u = l.toUpperCase(Locale.ROOT);
                if ((dialect == Dialect.SMTP && u.matches("\\d{3}[ -]STARTTLS.*"))
                        || (dialect == Dialect.FTP && u.matches("(\\d{3}[ -])? ?AUTH .*TLS.*"))) {
                    out.startTls(dialect.label, Step.OFFERED, dialect == Dialect.SMTP ? "STARTTLS in the EHLO reply"
                            : "AUTH TLS in the FEAT reply");
                }
            }
        }
        if (startTlsRequested) {
            startTlsRequested = false;
            boolean accepted = dialect == Dialect.SMTP ? code.equals("220") : code.equals("234");
            out.startTls(dialect.label, accepted ? Step.ACCEPTED : Step.REFUSED, lines.get(lines.size() - 1));
            if (accepted) {
                upgraded = true;
                return After.TLS;
            }
        }
        if (dialect == Dialect.SMTP && code.equals("354")) {
            smtpData = true;
            smtpDataLines = 0;
            smtpHeaders.clear();
        }
        if (dialect == Dialect.SMTP && code.equals("334") && saslMechanism != null) {
            saslChallenge(lines.get(0).length() > 4 ? lines.get(0).substring(4) : "");
        }
        return After.TEXT;
    }

    private List<String> finishReply() {
        List<String> lines = new ArrayList<>(reply);
        if (replyMore > 0) {
            lines.add("… " + replyMore + " more lines");
        }
        reply.clear();
        replyMore = 0;
        return lines;
    }

    private After imapServer(String line, SessionEvents out) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (line.startsWith("+")) {
            out.text(dialect.label, List.of(shown(line)), lastCommandNegotiation);
            if (saslMechanism != null) {
                saslChallenge(line.length() > 2 ? line.substring(2) : "");
            }
            return After.TEXT;
        }
        out.text(dialect.label, List.of(shown(line)), lastCommandNegotiation || line.startsWith("* CAPABILITY")
                || line.startsWith("* OK") || line.startsWith("* BYE"));
        if (line.startsWith("* ") && upper.contains("CAPABILITY") && upper.contains("STARTTLS")) {
            out.startTls(dialect.label, Step.OFFERED, "STARTTLS in the capabilities");
        }
        if (!line.startsWith("* ") && startTlsRequested) {
            startTlsRequested = false;
            boolean ok = upper.matches("\\S+ OK.*");
            out.startTls(dialect.label, ok ? Step.ACCEPTED : Step.REFUSED, shown(line));
            if (ok) {
                upgraded = true;
                return After.TLS;
            }
        }
        if (!line.startsWith("* ")) {
            saslMechanism = null;
        }
        return After.TEXT;
    }

    private After pop3Server(String line, SessionEvents out) {
        if (pop3MultiLine) {
            if (line.equals(".")) {
                pop3MultiLine = false;
                List<String> lines = finishReply();
                out.text(dialect.label, lines, lastCommandNegotiation);
                for (String l : lines) {
                    if (l.equalsIgnoreCase("STLS")) {
                        out.startTls(dialect.label, Step.OFFERED, "STLS in the CAPA reply");
                    }
                }
            } else if (reply.size() < MAX_REPLY_LINES) {
                reply.add(shown(line.startsWith("..") ? line.substring(1) : line));
            } else {
                replyMore++;
            }
            return After.TEXT;
        }
        boolean ok = line.startsWith("+OK");
        if (line.startsWith("+ ") || line.equals("+")) {
            out.text(dialect.label, List.of(shown(line)), lastCommandNegotiation);
            if (saslMechanism != null) {
                saslChallenge(line.length() > 2 ? line.substring(2) : "");
            }
            return After.TEXT;
        }
        if (startTlsRequested) {
            startTlsRequested = false;
            out.text(dialect.label, List.of(shown(line)), true);
            out.startTls(dialect.label, ok ? Step.ACCEPTED : Step.REFUSED, shown(line));
            if (ok) {
                upgraded = true;
                return After.TLS;
            }
            return After.TEXT;
        }
        if (ok && (lastCommand.equals("CAPA") || lastCommand.equals("LIST") && !lastArgs
                || lastCommand.equals("UIDL") && !lastArgs || lastCommand.equals("RETR") || lastCommand.equals("TOP"))) {
            pop3MultiLine = true;
            reply.add(shown(line));
            return After.TEXT;
        }
        out.text(dialect.label, List.of(shown(line)), lastCommandNegotiation);
        return After.TEXT;
    }

    private boolean lastArgs;

    // ---- the client

    /** @return TLS when the client's bytes after this line are TLS (it went on without waiting for the answer) */
    After client(String line, SessionEvents out) {
        if (dialect == null) {
            Dialect d = dialectOfCommand(line);
            if (d == null) {
                out.text(protocolName(), List.of(shown(line)), false);
                return After.TEXT;
            }
            decide(d);
        }
        if (saslMechanism != null && saslAwaitingResponse) {
            saslAwaitingResponse = false;
            saslResponse(line, out);
            return After.TEXT;
        }
        return switch (dialect) {
            case SMTP -> smtpClient(line, out);
            case IMAP -> imapClient(line, out);
            case POP3 -> pop3Client(line, out);
            case FTP -> ftpClient(line, out);
        };
    }

    private static Dialect dialectOfCommand(String line) {
        String verb = verb(line);
        switch (verb) {
            case "EHLO", "HELO", "MAIL", "RCPT", "DATA", "STARTTLS" -> {
                return Dialect.SMTP;
            }
            case "USER", "PASS", "FEAT", "SYST", "PBSZ", "PROT", "PASV", "EPSV", "PWD", "CWD", "LIST", "RETR",
                    "STOR", "TYPE" -> {
                return Dialect.FTP;
            }
            case "CAPA", "STLS", "APOP", "UIDL", "STAT" -> {
                return Dialect.POP3;
            }
            case "AUTH" -> {
                String arg = argument(line).toUpperCase(Locale.ROOT);
                return arg.equals("TLS") || arg.equals("SSL") || arg.equals("TLS-C") ? Dialect.FTP : Dialect.SMTP;
            }
            default -> {
                String[] parts = line.split(" ", 3);
                return parts.length >= 2 && parts[0].matches("[A-Za-z0-9.]{1,16}") ? Dialect.IMAP : null;
            }
        }
    }

    private After smtpClient(String line, SessionEvents out) {
        if (smtpData) {
            if (line.equals(".")) {
                smtpData = false;
                List<String> lines = new ArrayList<>();
                lines.add("message: " + smtpDataLines + (smtpDataLines == 1 ? " line" : " lines"));
                lines.addAll(smtpHeaders);
                out.text(dialect.label, lines, false);
                lastCommandNegotiation = false;
            } else {
                smtpDataLines++;
                String u = line.toUpperCase(Locale.ROOT);
                if (smtpHeaders.size() < 6 && (u.startsWith("SUBJECT:") || u.startsWith("FROM:")
                        || u.startsWith("TO:"))) {
                    smtpHeaders.add(shown(line));
                }
            }
            return After.TEXT;
        }
        String verb = verb(line);
        command(verb, line);
        switch (verb) {
            case "EHLO", "HELO", "QUIT", "NOOP", "RSET" -> negotiation(line, out);
            case "STARTTLS" -> requestStartTls(line, out, "STARTTLS");
            case "AUTH" -> auth(line, out, 1);
            default -> plain(line, out);
        }
        return After.TEXT;
    }

    private After imapClient(String line, SessionEvents out) {
        if (imapLiteralCommand != null) {
            // The literal's bytes start this line; quoted, they read as any other argument.
            int n = Math.min(pendingLiteral, line.length());
            String command = imapLiteralCommand + ImapArguments.quote(line.substring(0, n)) + line.substring(n);
            imapLiteralCommand = null;
            return imapClient(command, out);
        }
        String[] parts = line.split(" ", 3);
        String tag = parts[0];
        String verb = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
        String rest = parts.length > 2 ? parts[2] : "";
        command(verb, line);
        switch (verb) {
            case "CAPABILITY", "NOOP", "LOGOUT", "ID" -> negotiation(line, out);
            case "STARTTLS" -> requestStartTls(line, out, "STARTTLS");
            case "LOGIN" -> {
                if (rest.matches(".*\\{\\d+\\+?}$")) {
                    // A literal: its bytes come on the next line (after the server's "+" when synchronising).
                    imapLiteralCommand = line.substring(0, line.lastIndexOf('{'));
                    pendingLiteral = Integer.parseInt(rest.substring(rest.lastIndexOf('{') + 1).replaceAll("\\D", ""));
                    return After.TEXT;
                }
                List<String> args = ImapArguments.parse(rest, 2);
                if (args.size() == 2) {
                    out.credential(dialect.label, "LOGIN", args.get(0), args.get(1));
                } else {
                    out.malformed(dialect.label, "a LOGIN command that does not read as user and password");
                }
                lastCommandNegotiation = false;
            }
            case "AUTHENTICATE" -> auth(tag + " " + "AUTH " + rest, out, 2);
            default -> plain(line, out);
        }
        return After.TEXT;
    }

    private int pendingLiteral;

    private After pop3Client(String line, SessionEvents out) {
        String verb = verb(line);
        command(verb, line);
        switch (verb) {
            case "CAPA", "QUIT", "NOOP" -> negotiation(line, out);
            case "STLS" -> requestStartTls(line, out, "STLS");
            case "USER" -> {
                pop3User = argument(line);
                out.text(dialect.label, List.of("USER " + pop3User), false);
                lastCommandNegotiation = false;
            }
            case "PASS" -> {
                out.credential(dialect.label, "USER/PASS", pop3User, argument(line));
                lastCommandNegotiation = false;
            }
            case "APOP" -> {
                String[] a = argument(line).split(" ");
                out.credential(dialect.label, "APOP", a[0], null);
                lastCommandNegotiation = false;
            }
            case "AUTH" -> auth(line, out, 1);
            default -> plain(line, out);
        }
        return After.TEXT;
    }

    private After ftpClient(String line, SessionEvents out) {
        String verb = verb(line);
        command(verb, line);
        switch (verb) {
            case "FEAT", "SYST", "QUIT", "NOOP", "PBSZ", "PROT" -> negotiation(line, out);
            case "AUTH" -> {
                String arg = argument(line).toUpperCase(Locale.ROOT);
                if (arg.equals("TLS") || arg.equals("SSL") || arg.equals("TLS-C")) {
                    requestStartTls(line, out, "AUTH " + arg);
                } else {
                    plain(line, out);
                }
            }
            case "USER" -> {
                ftpUser = argument(line);
                out.text(dialect.label, List.of("USER " + ftpUser), false);
                lastCommandNegotiation = false;
            }
            case "PASS" -> {
                out.credential(dialect.label, "USER/PASS", ftpUser, argument(line));
                lastCommandNegotiation = false;
            }
            default -> plain(line, out);
        }
        return After.TEXT;
    }

    private void command(String verb, String line) {
        lastCommand = verb;
        lastArgs = !argument(line).isEmpty();
    }

    private void negotiation(String line, SessionEvents out) {
        out.text(dialect.label, List.of(shown(line)), true);
        lastCommandNegotiation = true;
    }

    private void plain(String line, SessionEvents out) {
        out.text(dialect.label, List.of(shown(line)), false);
        lastCommandNegotiation = false;
    }

    private void requestStartTls(String line, SessionEvents out, String command) {
        out.text(dialect.label, List.of(shown(line)), true);
        out.startTls(dialect.label, Step.REQUESTED, command);
        startTlsRequested = true;
        lastCommandNegotiation = true;
    }

    // ---- SASL, shared by SMTP AUTH, IMAP AUTHENTICATE and POP3 AUTH

    private boolean saslAwaitingResponse;

    /**
     * "AUTH MECHANISM [initial-response]".
     *
     * @param mechanismAt the index of the mechanism among the line's space-separated words
     */
    private void auth(String line, SessionEvents out, int mechanismAt) {
        String[] words = line.split(" ");
        String mechanism = words.length > mechanismAt ? words[mechanismAt].toUpperCase(Locale.ROOT) : "";
        String initial = words.length > mechanismAt + 1 ? words[mechanismAt + 1] : null;
        out.text(dialect.label, List.of(shown(String.join(" ", java.util.Arrays.copyOf(words,
                Math.min(words.length, mechanismAt + 1))).replaceFirst("^(\\S+ )AUTH ", "$1AUTHENTICATE ")
                + (initial != null ? " …" : ""))), false);
        lastCommandNegotiation = false;
        saslMechanism = mechanism;
        saslUser = null;
        saslUserAsked = false;
        if (initial != null) {
            if (mechanism.equals("LOGIN")) {
                saslUser = Sasl.decode(initial);
            } else {
                saslResponse(initial, out);
            }
        }
    }

    /** The server asked for more ("334 …", "+ …"): the client's next line is the response. */
    private void saslChallenge(String challenge) {
        if (saslMechanism == null) {
            return;
        }
        if (saslMechanism.equals("LOGIN")) {
            String asked = Sasl.decode(challenge);
            saslUserAsked = asked != null && asked.toLowerCase(Locale.ROOT).startsWith("user");
        }
        saslAwaitingResponse = true;
    }

    private void saslResponse(String line, SessionEvents out) {
        String label = dialect.label;
        String mechanism = (dialect == Dialect.IMAP ? "AUTHENTICATE " : "AUTH ") + saslMechanism;
        if (line.strip().equals("*")) {
            out.text(label, List.of("* (exchange cancelled)"), false);
            saslMechanism = null;
            return;
        }
        switch (saslMechanism) {
            case "PLAIN" -> {
                Sasl.Login login = Sasl.plain(line);
                if (login != null) {
                    out.credential(label, mechanism, login.user(), login.secret());
                }
                saslMechanism = null;
            }
            case "LOGIN" -> {
                String value = Sasl.decode(line);
                if (saslUserAsked || saslUser == null) {
                    saslUser = value;
                    saslUserAsked = false;
                } else {
                    out.credential(label, mechanism, saslUser, value);
                    saslMechanism = null;
                }
            }
            case "XOAUTH2", "OAUTHBEARER" -> {
                Sasl.Login login = Sasl.xoauth2(line);
                if (login != null) {
                    out.credential(label, mechanism, login.user(), login.secret());
                }
                saslMechanism = null;
            }
            case "CRAM-MD5" -> {
                out.credential(label, mechanism, Sasl.cramUser(line), null);
                saslMechanism = null;
            }
            default -> {
                out.text(label, List.of("(" + saslMechanism + " response, " + line.length() + " characters)"), false);
                saslMechanism = null;
            }
        }
    }

    // ---- words

    static String verb(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    static String argument(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? "" : line.substring(space + 1).strip();
    }

    static String shown(String line) {
        return line.length() <= MAX_SHOWN ? line : line.substring(0, MAX_SHOWN) + "…";
    }
}
