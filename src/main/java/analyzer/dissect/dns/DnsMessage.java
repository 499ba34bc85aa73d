package analyzer.dissect.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A DNS message (RFC 1035 §4) read from a UDP datagram or a TCP stream: header, questions and the answer records
 * (the first {@value #MAX_RECORDS}; {@code answerCount} says how many there were; authority and additional records
 * only counted). Parsing is strict, because it is also how a datagram is
 * recognised as DNS by its content: every count must be honoured within the message, names must be well-formed
 * and compression pointers must point backwards (so a crafted loop cannot hang the reader).
 */
public record DnsMessage(int id, boolean response, int opcode, boolean authoritative, boolean truncated,
                         boolean recursionDesired, boolean recursionAvailable, int rcode, List<Question> questions,
                         List<Record> answers, int answerCount, int authorityCount, int additionalCount) {

    /** @param name as tshark shows it: "example.com", without the final dot ("&lt;Root&gt;" for the root) */
    public record Question(String name, int type, int dnsClass) {
        public String typeName() {
            return DnsMessage.typeName(type);
        }
    }

    /** @param data the record data as dig shows it: an address, a name, "10 mail.example.", "\"text\"" */
    public record Record(String name, int type, int dnsClass, long ttl, String data) {
        public String typeName() {
            return DnsMessage.typeName(type);
        }
    }

    /** Answers kept per message; the count in the header still says how many there were. */
    static final int MAX_RECORDS = 64;
    private static final int MAX_NAME = 255;
    private static final int HEADER = 12;

    public DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
    }

    /** @return the message, or null when the bytes are not exactly one well-formed DNS message */
    public static DnsMessage parse(byte[] d, int offset, int length) {
        if (length < HEADER) {
            return null;
        }
        Reader r = new Reader(d, offset, offset + length);
        try {
            int id = r.u16();
            int flags = r.u16();
            int qd = r.u16();
            int an = r.u16();
            int ns = r.u16();
            int ar = r.u16();
            int opcode = (flags >> 11) & 0x0f;
            if ((flags & 0x0040) != 0 || (opcode != 0 && opcode != 1 && opcode != 2 && opcode != 4 && opcode != 5)) {
                return null; // the Z bit is zero, and only these opcodes exist
            }
            if (qd == 0 && an == 0 || qd > 16) {
                return null;
            }
            List<Question> questions = new ArrayList<>(qd);
            for (int i = 0; i < qd; i++) {
                questions.add(new Question(r.name(), r.u16(), r.u16()));
            }
            List<Record> answers = new ArrayList<>(Math.min(an, MAX_RECORDS));
            for (int i = 0; i < an + ns + ar; i++) {
                Record rec = r.record();
                if (i < an && answers.size() < MAX_RECORDS) {
                    answers.add(rec);
                }
            }
            if (r.pos != r.end) {
                return null; // a DNS message fills its datagram exactly
            }
            return new DnsMessage(id, (flags & 0x8000) != 0, opcode, (flags & 0x0400) != 0, (flags & 0x0200) != 0,
                    (flags & 0x0100) != 0, (flags & 0x0080) != 0, flags & 0x0f, questions, answers, an, ns, ar);
        } catch (Malformed e) {
            return null;
        }
    }

    /** "NOERROR", "NXDOMAIN", … */
    public String rcodeName() {
        return switch (rcode) {
            case 0 -> "NOERROR";
            case 1 -> "FORMERR";
            case 2 -> "SERVFAIL";
            case 3 -> "NXDOMAIN";
            case 4 -> "NOTIMP";
            case 5 -> "REFUSED";
            default -> "RCODE" + rcode;
        };
    }

    public static String typeName(int type) {
        return switch (type) {
            case 1 -> "A";
            case 2 -> "NS";
            case 5 -> "CNAME";
            case 6 -> "SOA";
            case 12 -> "PTR";
            case 15 -> "MX";
            case 16 -> "TXT";
            case 28 -> "AAAA";
            case 33 -> "SRV";
            case 41 -> "OPT";
            case 64 -> "SVCB";
            case 65 -> "HTTPS";
            case 255 -> "ANY";
            case 257 -> "CAA";
            default -> "TYPE" + type;
        };
    }

    private static final class Malformed extends Exception {
        Malformed() {
            super(null, null, false, false);
        }
    }

    private static final class Reader {
        final byte[] d;
        final int start;
        final int end;
        int pos;

        Reader(byte[] d, int start, int end) {
            this.d = d;
            this.start = start;
            this.end = end;
            this.pos = start;
        }

        int u8() throws Malformed {
            if (pos >= end) {
                throw new Malformed();
            }
            return d[pos++] & 0xff;
        }

        int u16() throws Malformed {
            return (u8() << 8) | u8();
        }

        long u32() throws Malformed {
            return ((long) u16() << 16) | u16();
        }

        /** A name at the current position; the position moves past it (not past what a pointer points to). */
        String name() throws Malformed {
            StringBuilder sb = new StringBuilder();
            int at = pos;
            int resumeAt = -1;
            int limit = at; // a pointer must point before the label that holds it
            while (true) {
                if (at >= end) {
                    throw new Malformed();
                }
                int len = d[at] & 0xff;
                if (len == 0) {
                    at++;
                    break;
                }
                if ((len & 0xc0) == 0xc0) {
                    if (at + 1 >= end) {
                        throw new Malformed();
                    }
                    int target = start + (((len & 0x3f) << 8) | (d[at + 1] & 0xff));
                    if (target >= limit) {
                        throw new Malformed();
                    }
                    if (resumeAt < 0) {
                        resumeAt = at + 2;
                    }
                    at = target;
                    limit = target;
                    continue;
                }
                if ((len & 0xc0) != 0 || at + 1 + len > end) {
                    throw new Malformed();
                }
                if (sb.length() > 0) {
                    sb.append('.');
                }
                for (int i = 0; i < len; i++) {
                    int c = d[at + 1 + i] & 0xff;
                    if (c == '.' || c == '\\' || c <= 0x20 || c >= 0x7f) {
                        sb.append(String.format("\\%03d", c));
                    } else {
                        sb.append((char) c);
                    }
                }
                if (sb.length() > MAX_NAME * 4) {
                    throw new Malformed();
                }
                at += 1 + len;
            }
            pos = resumeAt >= 0 ? resumeAt : at;
            return sb.length() == 0 ? "<Root>" : sb.toString();
        }

        Record record() throws Malformed {
            String name = name();
            int type = u16();
            int dnsClass = u16();
            long ttl = u32();
            int rdLength = u16();
            if (pos + rdLength > end) {
                throw new Malformed();
            }
            int rdEnd = pos + rdLength;
            String data = rdata(type, rdLength, rdEnd);
            pos = rdEnd;
            return new Record(name, type, dnsClass, ttl, data);
        }

        private String rdata(int type, int length, int rdEnd) throws Malformed {
            int at = pos;
            switch (type) {
                case 1, 28 -> {
                    if (length != (type == 1 ? 4 : 16)) {
                        throw new Malformed();
                    }
                    try {
                        byte[] a = java.util.Arrays.copyOfRange(d, at, at + length);
                        return new analyzer.flow.Endpoint(InetAddress.getByAddress(a), 0).host();
                    } catch (UnknownHostException e) {
                        throw new Malformed();
                    }
                }
                case 2, 5, 12 -> {
                    String n = name();
                    checkWithin(rdEnd);
                    return n;
                }
                case 15 -> {
                    int preference = u16();
                    String n = name();
                    checkWithin(rdEnd);
                    return preference + " " + n;
                }
                case 33 -> {
                    int priority = u16();
                    int weight = u16();
                    int port = u16();
                    String n = name();
                    checkWithin(rdEnd);
                    return priority + " " + weight + " " + port + " " + n;
                }
                case 6 -> {
                    String mname = name();
                    String rname = name();
                    long serial = u32();
                    pos += 16;
                    checkWithin(rdEnd);
                    return mname + " " + rname + " " + serial;
                }
                case 16 -> {
                    StringBuilder sb = new StringBuilder();
                    while (pos < rdEnd) {
                        int n = u8();
                        if (pos + n > rdEnd) {
                            throw new Malformed();
                        }
                        sb.append(sb.length() > 0 ? " " : "").append('"')
                                .append(new String(d, pos, n, StandardCharsets.UTF_8).replace("\"", "\\\""))
                                .append('"');
                        pos += n;
                    }
                    return sb.toString();
                }
                default -> {
                    return length + " bytes " + HexFormat.of().formatHex(d, at, at + Math.min(length, 32))
                            + (length > 32 ? "…" : "");
                }
            }
        }

        private void checkWithin(int rdEnd) throws Malformed {
            if (pos != rdEnd) {
                throw new Malformed();
            }
        }
    }
}
