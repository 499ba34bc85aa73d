package analyzer.probe;

import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Offers a server one TLS version and a list of cipher suites in a ClientHello built by hand, and reads what it
 * answers in clear: the ServerHello (the version and suite it picked) and, up to TLS 1.2, its certificate chain. Only
 * the server's choice matters, so this speaks versions and suites the JDK refuses to (TLS 1.0, 3DES, RC4, export
 * suites) and no key exchange is ever completed: the connection is closed after the answer.
 */
final class ClientHelloProbe {

    static final int TLS10 = 0x0301;
    static final int TLS11 = 0x0302;
    static final int TLS12 = 0x0303;
    static final int TLS13 = 0x0304;

    /** Connections one enumeration of suites may open: more than any server accepts. */
    static final int MAX_ROUNDS = 64;
    private static final int MAX_ANSWER_BYTES = 256 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What the server answered.
     *
     * @param version the version it picked, or -1 when it refused
     * @param suite   the suite it picked, or -1
     * @param chain   its certificates as sent (DER), leaf first; empty for TLS 1.3 (encrypted) or a refusal
     * @param refusal how it refused: "alert protocol_version", "closed the connection", "no answer within 3000 ms",
     *                "answered with something other than TLS"; null when it accepted
     */
    record Answer(int version, int suite, List<byte[]> chain, String refusal) {
        boolean accepted() {
            return refusal == null;
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;

    ClientHelloProbe(String host, int port, int timeoutMillis) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** The suites worth offering for a version: TLS 1.3's five, or every other suite we can name. */
    static List<Integer> candidateSuites(int version) {
        List<Integer> suites = new ArrayList<>();
        for (int suite : TlsNames.knownCipherSuites()) {
            boolean tls13Suite = (suite >> 8) == 0x13;
            boolean signalling = suite == 0x00ff || suite == 0x5600;
            if (!signalling && tls13Suite == (version == TLS13)) {
                suites.add(suite);
            }
        }
        suites.sort(null);
        return suites;
    }

    /**
     * Every suite of {@code candidates} the server accepts with {@code version}, in the order it chose them (its
     * preference first): offer them all, strike out the one picked, offer the rest again, until it refuses.
     *
     * @param first receives the first answer (with the chain), when it accepted at all
     */
    List<Integer> acceptedSuites(int version, List<Integer> candidates, Answer[] first) throws IOException {
        List<Integer> offered = new ArrayList<>(candidates);
        List<Integer> accepted = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS && !offered.isEmpty(); round++) {
            Answer a = offer(version, offered);
            if (round == 0) {
                first[0] = a;
            }
            if (!a.accepted() || !offered.remove((Integer) a.suite())) {
                break;
            }
            accepted.add(a.suite());
        }
        return accepted;
    }

    /** One connection: the hello, then the server's answer. */
    Answer offer(int version, List<Integer> suites) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(clientHello(version, suites));
            out.flush();
            return answer(new DataInputStream(s.getInputStream()), version);
        }
    }

    private Answer answer(DataInputStream in, int offered) throws IOException {
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        int total = 0;
        int version = -1;
        int suite = -1;
        List<byte[]> chain = List.of();
        try {
            while (total < MAX_ANSWER_BYTES) {
                int type = in.readUnsignedByte();
                int recordVersion = in.readUnsignedShort();
                int length = in.readUnsignedShort();
                if (type < 20 || type > 24 || (recordVersion >> 8) != 3 || length > 18432) {
                    return refused("answered with something other than TLS");
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                total += 5 + length;
                if (type == 21 && length >= 2) {
                    return refused("alert " + TlsNames.alertDescription(payload[1] & 0xff));
                }
                if (type != 22) {
                    // ChangeCipherSpec of a TLS 1.3 middlebox-compatible server, or encrypted data: the hello is over.
                    break;
                }
                handshake.write(payload);
                byte[] h = handshake.toByteArray();
                int at = 0;
                while (at + 4 <= h.length) {
                    int msgType = h[at] & 0xff;
                    int msgLength = ((h[at + 1] & 0xff) << 16) | ((h[at + 2] & 0xff) << 8) | (h[at + 3] & 0xff);
                    if (at + 4 + msgLength > h.length) {
                        break;
                    }
                    TlsHandshake m = TlsHandshake.read(msgType, h, at + 4, msgLength, false);
                    if (m instanceof TlsHandshake.ServerHello sh) {
                        version = sh.selectedVersion();
                        suite = sh.cipherSuite();
                        if (version != offered) {
                            return refused("answered with " + TlsNames.version(version));
                        }
                        if (version == TLS13) {
                            return new Answer(version, suite, List.of(), null);
                        }
                    } else if (m instanceof TlsHandshake.Certificates c) {
                        List<byte[]> der = new ArrayList<>();
                        c.chain().forEach(cert -> der.add(cert.encoded()));
                        chain = List.copyOf(der);
                    } else if (msgType == 14) { // server_hello_done: everything in clear has been said
                        return version < 0 ? refused("no ServerHello") : new Answer(version, suite, chain, null);
                    }
                    at += 4 + msgLength;
                }
            }
        } catch (EOFException e) {
            if (version < 0) {
                return refused(total == 0 ? "closed the connection" : "closed the connection mid-answer");
            }
        } catch (SocketTimeoutException e) {
            if (version < 0) {
                return refused("no answer within " + timeoutMillis + " ms");
            }
        }
        return version < 0 ? refused("no ServerHello") : new Answer(version, suite, chain, null);
    }

    private static Answer refused(String how) {
        return new Answer(-1, -1, List.of(), how);
    }

    private byte[] clientHello(int version, List<Integer> suites) throws IOException {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        u16(hello, Math.min(version, TLS12));
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        hello.write(random);
        byte[] sessionId = new byte[version == TLS13 ? 32 : 0];
        RANDOM.nextBytes(sessionId);
        hello.write(sessionId.length);
        hello.write(sessionId);
        u16(hello, suites.size() * 2);
        for (int suite : suites) {
            u16(hello, suite);
        }
        hello.write(1);
        hello.write(0); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        if (!ServiceProbe.isIpLiteral(host)) {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            u16(ext, 0x0000);
            u16(ext, name.length + 5);
            u16(ext, name.length + 3);
            ext.write(0);
            u16(ext, name.length);
            ext.write(name);
        }
        int[] groups = {0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101}; // x25519, P-256/384/521, ffdhe2048/3072
        u16(ext, 0x000a);
        u16(ext, 2 + groups.length * 2);
        u16(ext, groups.length * 2);
        for (int g : groups) {
            u16(ext, g);
        }
        u16(ext, 0x000b); // ec_point_formats: uncompressed
        u16(ext, 2);
        ext.write(1);
        ext.write(0);
        // signature_algorithms: ECDSA and RSA-PSS/PKCS#1 with SHA-2, then SHA-1 for servers that know nothing newer.
        int[] signatures = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201};
        u16(ext, 0x000d);
        u16(ext, 2 + signatures.length * 2);
        u16(ext, signatures.length * 2);
        for (int sig : signatures) {
            u16(ext, sig);
        }
        u16(ext, 0xff01); // renegotiation_info, empty
        u16(ext, 1);
        ext.write(0);
        if (version == TLS13) {
            u16(ext, 0x002b); // supported_versions: TLS 1.3 only
            u16(ext, 3);
            ext.write(2);
            u16(ext, TLS13);
            // key_share: an X25519 share; any 32 bytes are a valid public value and no key exchange is finished.
            byte[] share = new byte[32];
            RANDOM.nextBytes(share);
            u16(ext, 0x0033);
            u16(ext, 2 + 4 + share.length);
            u16(ext, 4 + share.length);
            u16(ext, 0x001d);
            u16(ext, share.length);
            ext.write(share);
            u16(ext, 0x002d); // psk_key_exchange_modes: psk_dhe_ke, which some servers expect to see
            u16(ext, 2);
            ext.write(1);
            ext.write(1);
        }
        u16(hello, ext.size());
        hello.write(ext.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16);
        u16(record, TLS10);
        u16(record, hello.size() + 4);
        record.write(1);
        record.write(hello.size() >> 16);
        u16(record, hello.size() & 0xffff);
        record.write(hello.toByteArray());
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }
}
