package analyzer.probe;

import analyzer.pki.CertificateRejection;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Asks a service directly what a passive capture can only infer: does it answer plaintext HTTP, which TLS
 * versions does it accept, and does its certificate verify against a given CA (or the JDK's trust store)?
 * TLS 1.2 and 1.3 are tried with the JDK; TLS 1.0 and 1.1, which the JDK refuses to speak, with a hand-built
 * ClientHello whose answer (ServerHello or alert) is all we need.
 */
public final class ServiceProbe {

    /** One thing the probe tried. {@code bad} marks a finding that weakens the service's encryption. */
    public record Result(String what, String answer, boolean bad) {
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;

    public ServiceProbe(String host, int port, int timeoutMillis) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** @throws IOException when nothing listens there (connection refused, unreachable, timeout) */
    public List<Result> run(Path cacert) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
        }
        List<Result> results = new ArrayList<>();
        Result plain = plainHttp();
        results.add(plain);
        if (plain.bad()) {
            // A port that answers plaintext HTTP does not also speak TLS; each TLS attempt would only time out.
            results.add(new Result("TLS", "not tried: the port speaks plaintext HTTP", true));
            return results;
        }
        results.add(oldTls(0x0301, "TLS 1.0"));
        results.add(oldTls(0x0302, "TLS 1.1"));
        results.add(modernTls("TLSv1.2", "TLS 1.2"));
        results.add(modernTls("TLSv1.3", "TLS 1.3"));
        results.add(certificate(cacert));
        return results;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        return s;
    }

    private Result plainHttp() {
        String what = "plaintext HTTP";
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[256];
            int n = s.getInputStream().read(buf);
            if (n <= 0) {
                return new Result(what, "refused (connection closed)", false);
            }
            String start = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            if (start.startsWith("HTTP/")) {
                int eol = start.indexOf('\r');
                return new Result(what, "ANSWERED: " + (eol > 0 ? start.substring(0, eol) : start.strip()), true);
            }
            if ((buf[0] & 0xff) == 0x15) {
                return new Result(what, "refused (answered with a TLS alert)", false);
            }
            return new Result(what, "no HTTP answer (" + n + " other bytes)", false);
        } catch (SocketTimeoutException e) {
            return new Result(what, "no answer within " + timeoutMillis + " ms", false);
        } catch (IOException e) {
            return new Result(what, "refused (" + e.getMessage() + ")", false);
        }
    }

    private Result modernTls(String protocol, String name) {
        try (SSLSocket s = tlsSocket(trustAll(), protocol)) {
            s.startHandshake();
            SSLSession session = s.getSession();
            return new Result(name, "accepted (" + session.getCipherSuite() + ")", false);
        } catch (GeneralSecurityException | IOException e) {
            return new Result(name, "not accepted", false);
        }
    }

    private Result certificate(Path cacert) {
        String what = cacert == null ? "certificate (JDK trust store)" : "certificate (pinned " + cacert + ")";
        try {
            SSLContext context = cacert == null ? SSLContext.getDefault() : pinned(cacert);
            try (SSLSocket s = tlsSocket(context, null)) {
                SSLParameters params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(params);
                s.startHandshake();
                X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
                return new Result(what, "verifies: " + leaf.getSubjectX500Principal().getName() + " issued by "
                        + leaf.getIssuerX500Principal().getName(), false);
            }
        } catch (java.net.SocketTimeoutException e) {
            return new Result(what, "FAILS: no TLS answer within " + timeoutMillis + " ms", true);
        } catch (IOException e) {
            return new Result(what, "FAILS: " + CertificateRejection.explain(e), true);
        } catch (GeneralSecurityException e) {
            return new Result(what, "cannot read " + cacert + ": " + e.getMessage(), true);
        }
    }

    private SSLSocket tlsSocket(SSLContext context, String protocol) throws IOException {
        Socket plain = connect();
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        if (protocol != null) {
            s.setEnabledProtocols(new String[] {protocol});
        }
        if (!isIpLiteral(host)) {
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host)));
            s.setSSLParameters(params);
        }
        return s;
    }

    private static SSLContext trustAll() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), new SecureRandom());
        return context;
    }

    private static SSLContext pinned(Path cacert) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = java.nio.file.Files.newInputStream(cacert)) {
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, cert);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in it");
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    /** Sends a minimal ClientHello offering only {@code version}; accepted if the ServerHello picks it. */
    private Result oldTls(int version, String name) {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(clientHello(version));
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int type = in.readUnsignedByte();
            in.readUnsignedShort();
            int length = in.readUnsignedShort();
            if (type == 0x16 && length >= 6) {
                byte[] body = new byte[6];
                in.readFully(body);
                int chosen = ((body[4] & 0xff) << 8) | (body[5] & 0xff);
                if ((body[0] & 0xff) == 2 && chosen == version) {
                    return new Result(name, "ACCEPTED — an outdated protocol", true);
                }
            }
            return new Result(name, "not accepted", false);
        } catch (IOException e) {
            return new Result(name, "not accepted", false);
        }
    }

    private byte[] clientHello(int version) throws IOException {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        u16(hello, version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        hello.write(random);
        hello.write(0); // no session id
        int[] suites = {0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035, 0x000a};
        u16(hello, suites.length * 2);
        for (int suite : suites) {
            u16(hello, suite);
        }
        hello.write(1);
        hello.write(0); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        if (!isIpLiteral(host)) {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            u16(ext, 0x0000);
            u16(ext, name.length + 5);
            u16(ext, name.length + 3);
            ext.write(0);
            u16(ext, name.length);
            ext.write(name);
        }
        u16(ext, 0x000a); // supported_groups: x25519, secp256r1, secp384r1
        u16(ext, 8);
        u16(ext, 6);
        u16(ext, 0x001d);
        u16(ext, 0x0017);
        u16(ext, 0x0018);
        u16(ext, 0x000b); // ec_point_formats: uncompressed
        u16(ext, 2);
        ext.write(1);
        ext.write(0);
        u16(hello, ext.size());
        hello.write(ext.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16);
        u16(record, 0x0301);
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

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
