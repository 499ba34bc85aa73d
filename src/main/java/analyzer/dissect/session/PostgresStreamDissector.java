package analyzer.dissect.session;

import analyzer.dissect.Protocols;
import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.flow.Direction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a PostgreSQL connection, message by message: the startup (user, database), the SSLRequest and
 * its answer (on 'S' both directions are handed to TLS), the server's authentication request and the client's
 * password message — in clear for the "password" method, a hash or SCRAM exchange otherwise — then queries, errors
 * and completions. Each message's body is kept only up to {@link #KEEP} bytes; longer ones are counted past.
 */
final class PostgresStreamDissector implements StreamDissector {

    static final String NAME = "PostgreSQL";
    /** Body bytes kept of one message: enough for a query's text, a password, an error. */
    static final int KEEP = 4096;
    /** The protocol allows up to 1 GiB per message; a length past that is not PostgreSQL. */
    private static final long MAX_MESSAGE = 1L << 30;

    /** What the connection's two directions share. */
    static final class State {
        String user;
        String database;
        boolean sslRequested;
        /** The server asked for a password in clear (AuthenticationCleartextPassword). */
        int authRequest = -1;
    }

    private final StreamContext stream;
    private final State state;
    private final SessionEvents events;
    private final boolean client;
    /** The client's first messages have no type byte. */
    private boolean startupPhase;
    private final byte[] header = new byte[5];
    private int headerFill;
    private int type;
    private long remaining = -1;
    private byte[] body;
    private int bodyFill;

    PostgresStreamDissector(StreamContext stream) {
        this.stream = stream;
        this.state = stream.connection().state(State.class, State::new);
        this.events = new SessionEvents(stream, NAME);
        this.client = stream.direction() == Direction.CLIENT_TO_SERVER;
        this.startupPhase = client;
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        SessionPeer.claim(stream, PostgresProtocol.INSTANCE);
        events.at(frame, timestampMicros);
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (!client && state.sslRequested) {
                state.sslRequested = false;
                int answer = data[pos++] & 0xff;
                if (answer == 'S') {
                    events.startTls(NAME, StartTlsSeen.Step.ACCEPTED, "S");
                    var tls = stream.protocols().byName("tls");
                    if (stream.peer().protocol() == PostgresProtocol.INSTANCE) {
                        stream.peer().handOff(tls, data, pos, 0);
                    }
                    stream.handOff(tls, data, pos, end - pos);
                    return;
                }
                events.startTls(NAME, StartTlsSeen.Step.REFUSED, answer == 'N' ? "N (the server has no TLS)"
                        : "'" + (char) answer + "'");
                continue;
            }
            if (remaining < 0) {
                int headerSize = startupPhase ? 4 : 5;
                int n = Math.min(headerSize - headerFill, end - pos);
                System.arraycopy(data, pos, header, headerFill, n);
                headerFill += n;
                pos += n;
                if (headerFill < headerSize) {
                    return;
                }
                headerFill = 0;
                type = startupPhase ? 0 : header[0] & 0xff;
                long messageLength = PostgresProtocol.int32(header, startupPhase ? 0 : 1) & 0xffffffffL;
                if (messageLength < 4 || messageLength > MAX_MESSAGE) {
                    events.malformed(NAME, "a message length of " + messageLength + " bytes");
                    stream.handOff(Protocols.RAW, data, pos, end - pos);
                    return;
                }
                remaining = messageLength - 4;
                body = new byte[(int) Math.min(remaining, KEEP)];
                bodyFill = 0;
            }
            int n = (int) Math.min(remaining, end - pos);
            int keep = Math.min(n, body.length - bodyFill);
            System.arraycopy(data, pos, body, bodyFill, keep);
            bodyFill += keep;
            pos += n;
            remaining -= n;
            if (remaining == 0) {
                remaining = -1;
                boolean wasStartup = startupPhase;
                message(wasStartup);
                if (state.sslRequested && client) {
                    // The client waits for the server's one-byte answer; after 'S' its next bytes are TLS.
                    continue;
                }
            }
        }
    }

    private void message(boolean startup) {
        if (startup) {
            int code = body.length >= 4 ? PostgresProtocol.int32(body, 0) : -1;
            switch (code) {
                case PostgresProtocol.SSL_REQUEST -> {
                    state.sslRequested = true;
                    events.text(List.of("SSLRequest"), true);
                    events.startTls(NAME, StartTlsSeen.Step.REQUESTED, "SSLRequest");
                }
                case PostgresProtocol.GSSENC_REQUEST -> events.text(List.of("GSSENCRequest"), true);
                case PostgresProtocol.CANCEL_REQUEST -> events.text(List.of("CancelRequest"), true);
                default -> {
                    startupPhase = false;
                    startupMessage();
                }
            }
            return;
        }
        if (client) {
            clientMessage();
        } else {
            serverMessage();
        }
    }

    private void startupMessage() {
        List<String> parameters = new ArrayList<>();
        int pos = 4;
        while (pos < bodyFill) {
            String key = cString(pos);
            if (key.isEmpty()) {
                break;
            }
            pos += key.getBytes(StandardCharsets.UTF_8).length + 1;
            String value = cString(pos);
            pos += value.getBytes(StandardCharsets.UTF_8).length + 1;
            parameters.add(key + "=" + value);
            if (key.equals("user")) {
                state.user = value;
            } else if (key.equals("database")) {
                state.database = value;
            }
        }
        events.text(List.of("StartupMessage " + String.join(" ", parameters)), false);
    }

    private void clientMessage() {
        switch (type) {
            case 'p' -> password();
            case 'Q' -> events.text(List.of("Query: " + shown(cString(0))), false);
            case 'X' -> events.text(List.of("Terminate"), true);
            case 'P' -> events.text(List.of("Parse: " + shown(cString(cString(0).length() + 1))), false);
            default -> { }
        }
    }

    /** 'p' answers the server's authentication request: which one says what it holds. */
    private void password() {
        switch (state.authRequest) {
            case 3 -> events.credential(NAME, "cleartext password", state.user, cString(0));
            case 5 -> events.credential(NAME, "MD5 password", state.user, null);
            case 10, 11 -> events.credential(NAME, "SCRAM-SHA-256", state.user, null);
            default -> events.text(List.of("PasswordMessage"), false);
        }
    }

    private void serverMessage() {
        switch (type) {
            case 'R' -> {
                int code = bodyFill >= 4 ? PostgresProtocol.int32(body, 0) : -1;
                state.authRequest = code == 0 || code == 12 ? state.authRequest : code;
                events.text(List.of(authentication(code)), true);
            }
            case 'E' -> events.text(List.of("ErrorResponse: " + errorFields()), false);
            case 'C' -> events.text(List.of("CommandComplete: " + cString(0)), false);
            default -> { }
        }
    }

    private static String authentication(int code) {
        return switch (code) {
            case 0 -> "AuthenticationOk";
            case 3 -> "AuthenticationCleartextPassword";
            case 5 -> "AuthenticationMD5Password";
            case 10 -> "AuthenticationSASL";
            case 11 -> "AuthenticationSASLContinue";
            case 12 -> "AuthenticationSASLFinal";
            default -> "Authentication request " + code;
        };
    }

    /** "FATAL password authentication failed for user …" from the S and M fields. */
    private String errorFields() {
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        while (pos < bodyFill && body[pos] != 0) {
            char field = (char) body[pos];
            String value = cString(pos + 1);
            pos += value.getBytes(StandardCharsets.UTF_8).length + 2;
            if (field == 'S' || field == 'M') {
                sb.append(sb.length() > 0 ? " " : "").append(value);
            }
        }
        return shown(sb.toString());
    }

    private String cString(int from) {
        int end = from;
        while (end < bodyFill && body[end] != 0) {
            end++;
        }
        return from >= bodyFill ? "" : new String(body, from, end - from, StandardCharsets.UTF_8);
    }

    private static String shown(String s) {
        return s.length() <= 512 ? s : s.substring(0, 512) + "…";
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        // Message boundaries are lost with the bytes: what follows can only be shown raw.
        stream.handOff(Protocols.RAW, new byte[0], 0, 0);
    }

    @Override
    public void close() {
    }

    @Override
    public long retainedBytes() {
        return 400 + (body == null ? 0 : body.length);
    }
}
