package analyzer.dissect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Reads the handshake messages a viewer cares about (ClientHello, ServerHello, Certificate) from their bodies.
 * A body that does not parse is reported as {@link TlsHandshake.Other}: a broken hello must not stop the stream.
 */
final class TlsHandshakeParser {

    static final int EXT_SERVER_NAME = 0;
    static final int EXT_ALPN = 16;
    static final int EXT_SUPPORTED_VERSIONS = 43;

    private TlsHandshakeParser() {
    }

    /**
     * @param body          the message body, after the 4-byte type/length header
     * @param tls13Format   read a Certificate in the TLS 1.3 layout (request context and per-entry extensions)
     */
    static TlsHandshake parse(int type, byte[] body, int offset, int length, boolean tls13Format) {
        try {
            Reader r = new Reader(body, offset, length);
            return switch (type) {
                case TlsHandshake.CLIENT_HELLO -> clientHello(r);
                case TlsHandshake.SERVER_HELLO -> serverHello(r);
                case TlsHandshake.CERTIFICATE -> certificates(r, tls13Format);
                case TlsHandshake.ENCRYPTED_EXTENSIONS -> encryptedExtensions(r);
                default -> new TlsHandshake.Other(type, length);
            };
        } catch (Truncated e) {
            return new TlsHandshake.Other(type, length);
        }
    }

    /** SSL 2.0 CLIENT-HELLO: cipher specs are three bytes; those starting with 0 are TLS cipher suites. */
    static TlsHandshake parseSsl2ClientHello(byte[] message, int offset, int length) {
        try {
            Reader r = new Reader(message, offset, length);
            r.skip(1); // message type
            int version = r.u16();
            int specsLength = r.u16();
            r.skip(4); // session id and challenge lengths
            List<Integer> suites = new ArrayList<>(specsLength / 3);
            for (int i = 0; i + 2 < specsLength; i += 3) {
                int kind = r.u8();
                int suite = r.u16();
                if (kind == 0) {
                    suites.add(suite);
                }
            }
            return new TlsHandshake.ClientHello(version, null, List.of(), List.of(),
                    Collections.unmodifiableList(suites));
        } catch (Truncated e) {
            return new TlsHandshake.Other(TlsHandshake.CLIENT_HELLO, length);
        }
    }

    private static TlsHandshake.ClientHello clientHello(Reader r) {
        int legacyVersion = r.u16();
        r.skip(32); // random
        r.skip(r.u8()); // session id
        int suitesLength = r.u16();
        List<Integer> suites = new ArrayList<>(suitesLength / 2);
        for (int end = r.pos + suitesLength; r.pos + 1 < end; ) {
            suites.add(r.u16());
        }
        r.skip(r.u8()); // compression methods
        String serverName = null;
        List<String> alpn = List.of();
        List<Integer> versions = List.of();
        if (r.remaining() >= 2) {
            int extensionsEnd = r.pos + 2 + r.u16();
            while (r.pos + 4 <= extensionsEnd) {
                int extType = r.u16();
                int extLength = r.u16();
                int extEnd = r.pos + extLength;
                Reader ext = r.sub(extLength);
                switch (extType) {
                    case EXT_SERVER_NAME -> serverName = serverName(ext);
                    case EXT_ALPN -> alpn = alpn(ext);
                    case EXT_SUPPORTED_VERSIONS -> {
                        int listLength = ext.u8();
                        List<Integer> list = new ArrayList<>(listLength / 2);
                        for (int i = 0; i + 1 < listLength; i += 2) {
                            list.add(ext.u16());
                        }
                        versions = Collections.unmodifiableList(list);
                    }
                    default -> { }
                }
                r.pos = extEnd;
            }
        }
        return new TlsHandshake.ClientHello(legacyVersion, serverName, alpn, versions,
                Collections.unmodifiableList(suites));
    }

    private static TlsHandshake.ServerHello serverHello(Reader r) {
        int legacyVersion = r.u16();
        r.skip(32); // random
        r.skip(r.u8()); // session id
        int suite = r.u16();
        r.skip(1); // compression method
        int selected = legacyVersion;
        String alpn = null;
        if (r.remaining() >= 2) {
            int extensionsEnd = r.pos + 2 + r.u16();
            while (r.pos + 4 <= extensionsEnd) {
                int extType = r.u16();
                int extLength = r.u16();
                int extEnd = r.pos + extLength;
                Reader ext = r.sub(extLength);
                if (extType == EXT_SUPPORTED_VERSIONS && extLength >= 2) {
                    selected = ext.u16();
                } else if (extType == EXT_ALPN) {
                    List<String> protocols = alpn(ext);
                    alpn = protocols.isEmpty() ? null : protocols.get(0);
                }
                r.pos = extEnd;
            }
        }
        return new TlsHandshake.ServerHello(legacyVersion, selected, suite, alpn);
    }

    private static TlsHandshake.EncryptedExtensions encryptedExtensions(Reader r) {
        String alpn = null;
        int extensionsEnd = r.pos + 2 + r.u16();
        while (r.pos + 4 <= extensionsEnd) {
            int extType = r.u16();
            int extLength = r.u16();
            int extEnd = r.pos + extLength;
            Reader ext = r.sub(extLength);
            if (extType == EXT_ALPN) {
                List<String> protocols = alpn(ext);
                alpn = protocols.isEmpty() ? null : protocols.get(0);
            }
            r.pos = extEnd;
        }
        return new TlsHandshake.EncryptedExtensions(alpn);
    }

    private static TlsHandshake.Certificates certificates(Reader r, boolean tls13Format) {
        if (tls13Format) {
            r.skip(r.u8()); // certificate_request_context
        }
        int listEnd = r.pos + 3 + r.u24();
        List<TlsHandshake.CertificateSummary> chain = new ArrayList<>();
        while (r.pos + 3 <= listEnd) {
            int certLength = r.u24();
            Reader der = r.sub(certLength);
            chain.add(summarize(der.buf, der.pos, certLength));
            r.pos += certLength;
            if (tls13Format) {
                r.skip(r.u16()); // per-certificate extensions
            }
        }
        return new TlsHandshake.Certificates(Collections.unmodifiableList(chain));
    }

    private static TlsHandshake.CertificateSummary summarize(byte[] buf, int offset, int length) {
        byte[] der = new byte[length];
        System.arraycopy(buf, offset, der, 0, length);
        try {
            X509CertificateHolder holder = new X509CertificateHolder(der);
            return new TlsHandshake.CertificateSummary(holder.getSubject().toString(), holder.getIssuer().toString(),
                    holder.getNotBefore().getTime(), holder.getNotAfter().getTime(), der);
        } catch (IOException | RuntimeException e) {
            return new TlsHandshake.CertificateSummary("(unreadable certificate, " + length + " bytes)", "", 0, 0);
        }
    }

    private static String serverName(Reader ext) {
        int listEnd = ext.pos + 2 + ext.u16();
        while (ext.pos + 3 <= listEnd) {
            int nameType = ext.u8();
            int nameLength = ext.u16();
            if (nameType == 0) {
                return ext.ascii(nameLength);
            }
            ext.skip(nameLength);
        }
        return null;
    }

    private static List<String> alpn(Reader ext) {
        int listEnd = ext.pos + 2 + ext.u16();
        List<String> protocols = new ArrayList<>(2);
        while (ext.pos + 1 <= listEnd) {
            protocols.add(ext.ascii(ext.u8()));
        }
        return Collections.unmodifiableList(protocols);
    }

    /** Thrown when a field runs past the end of its enclosing structure. */
    private static final class Truncated extends RuntimeException {
        Truncated() {
            super(null, null, false, false);
        }
    }

    /** Big-endian reads bounded by a limit; running past it throws {@link Truncated}. */
    private static final class Reader {
        final byte[] buf;
        int pos;
        final int limit;

        Reader(byte[] buf, int offset, int length) {
            this.buf = buf;
            this.pos = offset;
            this.limit = offset + length;
        }

        int remaining() {
            return limit - pos;
        }

        private void need(int n) {
            if (n < 0 || pos + n > limit) {
                throw new Truncated();
            }
        }

        int u8() {
            need(1);
            return buf[pos++] & 0xff;
        }

        int u16() {
            need(2);
            int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        int u24() {
            need(3);
            int v = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
            pos += 3;
            return v;
        }

        void skip(int n) {
            need(n);
            pos += n;
        }

        String ascii(int n) {
            need(n);
            String s = new String(buf, pos, n, java.nio.charset.StandardCharsets.US_ASCII);
            pos += n;
            return s;
        }

        /** A reader over the next n bytes; the caller advances this one past them. */
        Reader sub(int n) {
            need(n);
            return new Reader(buf, pos, n);
        }
    }
}
