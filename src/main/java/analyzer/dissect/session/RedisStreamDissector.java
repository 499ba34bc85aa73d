package analyzer.dissect.session;

import analyzer.dissect.Protocols;
import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.flow.Direction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * One direction of a Redis connection, read as RESP values (RFC-less, see redis.io's protocol spec): the client's
 * commands — {@code AUTH [user] password} and {@code HELLO … AUTH user password} flagged as credentials — and the
 * server's replies. Bounded: a line is at most {@link #MAX_LINE} bytes, a bulk string is kept up to
 * {@link #KEEP} bytes (and counted past), a value's parts up to {@link #MAX_PARTS}.
 */
final class RedisStreamDissector implements StreamDissector {

    static final String NAME = "Redis";
    static final int MAX_LINE = 64 * 1024;
    static final int KEEP = 256;
    static final int MAX_PARTS = 16;
    /** Redis caps a bulk string at 512 MB. */
    private static final long MAX_BULK = 512L << 20;

    private final StreamContext stream;
    private final SessionEvents events;
    private final boolean client;
    /** Grown as a line split over deliveries needs, up to MAX_LINE. */
    private byte[] line = new byte[0];
    private int lineFill;
    /** Bytes of a bulk string still to come, its CRLF included; -1 when reading a line. */
    private long bulkRemaining = -1;
    private byte[] bulk;
    private int bulkFill;
    /** Elements still expected by each open array, outermost first. */
    private final Deque<long[]> open = new ArrayDeque<>();
    private final List<String> parts = new ArrayList<>();
    private int partsMore;
    /** The bulk string being read is longer than what is kept. */
    private boolean truncated;

    RedisStreamDissector(StreamContext stream) {
        this.stream = stream;
        this.events = new SessionEvents(stream, NAME);
        this.client = stream.direction() == Direction.CLIENT_TO_SERVER;
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        SessionPeer.claim(stream, RedisProtocol.INSTANCE);
        events.at(frame, timestampMicros);
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (bulkRemaining >= 0) {
                int n = (int) Math.min(bulkRemaining, end - pos);
                long bodyLeft = Math.max(0, bulkRemaining - 2); // the CRLF after the body is not kept
                int keep = (int) Math.min(Math.min(n, bodyLeft), bulk.length - bulkFill);
                System.arraycopy(data, pos, bulk, bulkFill, keep);
                bulkFill += keep;
                pos += n;
                bulkRemaining -= n;
                if (bulkRemaining == 0) {
                    bulkRemaining = -1;
                    element(new String(bulk, 0, bulkFill, StandardCharsets.UTF_8) + (truncated ? "…" : ""));
                }
                continue;
            }
            int lf = pos;
            while (lf < end && data[lf] != '\n') {
                lf++;
            }
            int n = lf - pos;
            if (lineFill + n > MAX_LINE) {
                events.malformed(NAME, "a line longer than " + MAX_LINE + " bytes");
                stream.handOff(Protocols.RAW, data, lf, end - lf);
                return;
            }
            if (lineFill + n > line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(lineFill + n, Math.max(256,
                        line.length * 2))));
            }
            System.arraycopy(data, pos, line, lineFill, n);
            lineFill += n;
            if (lf == end) {
                return;
            }
            pos = lf + 1;
            int len = lineFill > 0 && line[lineFill - 1] == '\r' ? lineFill - 1 : lineFill;
            lineFill = 0;
            if (!line(new String(line, 0, len, StandardCharsets.UTF_8))) {
                stream.handOff(Protocols.RAW, data, pos, end - pos);
                return;
            }
        }
    }

    /** One RESP line: a type byte and its text. @return false when it is not RESP */
    private boolean line(String text) {
        if (text.isEmpty()) {
            return true;
        }
        char type = text.charAt(0);
        String rest = text.substring(1);
        switch (type) {
            case '*', '%', '~', '>', '|' -> {
                long count = number(rest);
                if (count < -1) {
                    return false;
                }
                long elements = type == '%' || type == '|' ? count * 2 : count;
                if (elements <= 0) {
                    element(count < 0 ? "(nil)" : "(empty)");
                } else {
                    open.addLast(new long[] {elements});
                }
            }
            case '$', '=', '!' -> {
                long size = number(rest);
                if (size < -1 || size > MAX_BULK) {
                    return false;
                }
                if (size < 0) {
                    element("(nil)");
                } else {
                    bulk = new byte[(int) Math.min(size, KEEP)];
                    bulkFill = 0;
                    truncated = size > KEEP;
                    bulkRemaining = size + 2;
                }
            }
            case '+', ':', ',', '(', '#' -> element(rest);
            case '-' -> element("-" + rest);
            case '_' -> element("(nil)");
            default -> {
                if (!client || !open.isEmpty()) {
                    return false;
                }
                // An inline command, as typed into telnet: words separated by spaces.
                for (String word : text.trim().split(" +")) {
                    addPart(word);
                }
                value();
            }
        }
        return true;
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private void addPart(String part) {
        if (parts.size() < MAX_PARTS) {
            parts.add(part.length() <= KEEP ? part : part.substring(0, KEEP) + "…");
        } else {
            partsMore++;
        }
    }

    /** A complete element: it may complete the arrays that hold it, and so a top-level value. */
    private void element(String text) {
        addPart(text);
        while (!open.isEmpty()) {
            long[] top = open.peekLast();
            if (--top[0] > 0) {
                return;
            }
            open.removeLast();
        }
        value();
    }

    private void value() {
        List<String> value = new ArrayList<>(parts);
        int more = partsMore;
        parts.clear();
        partsMore = 0;
        if (value.isEmpty()) {
            return;
        }
        if (client) {
            command(value, more);
        } else {
            events.text(List.of(String.join(" ", value) + (more > 0 ? " … (" + more + " more)" : "")), false);
        }
    }

    private void command(List<String> words, int more) {
        String verb = words.get(0).toUpperCase(Locale.ROOT);
        if (verb.equals("AUTH") && (words.size() == 2 || words.size() == 3)) {
            events.credential(NAME, "AUTH", words.size() == 3 ? words.get(1) : null, words.get(words.size() - 1));
            return;
        }
        if (verb.equals("HELLO")) {
            for (int i = 1; i + 2 < words.size(); i++) {
                if (words.get(i).equalsIgnoreCase("AUTH")) {
                    events.credential(NAME, "HELLO AUTH", words.get(i + 1), words.get(i + 2));
                    return;
                }
            }
        }
        events.text(List.of(String.join(" ", words) + (more > 0 ? " … (" + more + " more)" : "")), false);
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        stream.handOff(Protocols.RAW, new byte[0], 0, 0);
    }

    @Override
    public void close() {
    }

    @Override
    public long retainedBytes() {
        long held = 400 + line.length + (bulk == null ? 0 : bulk.length);
        for (String part : parts) {
            held += 48 + 2L * part.length();
        }
        return held;
    }
}
