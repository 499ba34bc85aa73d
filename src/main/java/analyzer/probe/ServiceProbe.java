package analyzer.probe;

import analyzer.dissect.TlsNames;
import analyzer.pki.CertificateNameMatch;
import analyzer.pki.CertificateRejection;
import analyzer.pki.PkiException;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Asks a service directly what a passive capture can only infer: does it serve plaintext HTTP or refuse it (an
 * HTTP error such as nginx's 400 for plain HTTP on an HTTPS port, a redirect to https://, a TLS alert, a close),
 * which TLS versions and cipher suites does it accept, and does its certificate verify against a given CA (or the
 * JDK's trust store) for the host asked? Versions and suites are asked with hand-built ClientHellos
 * ({@link ClientHelloProbe}), so TLS 1.0 and suites the JDK will not speak are tried too; the certificate is
 * verified with the JDK's TLS client, or, for a server that only speaks TLS 1.0 or 1.1, from the chain it sent in
 * clear (PKIX validation and the host-name rules clients apply).
 */
public final class ServiceProbe {

    private static final int[] VERSIONS = {ClientHelloProbe.TLS10, ClientHelloProbe.TLS11, ClientHelloProbe.TLS12,
        ClientHelloProbe.TLS13};
    private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/\\d(?:\\.\\d)? (\\d{3})([^\\r\\n]*)");

    private final String host;
    private final int port;
    private final int timeoutMillis;

    public ServiceProbe(String host, int port, int timeoutMillis) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** @throws IOException when nothing listens there (connection refused, unreachable, timeout) */
    public ProbeReport run(Path cacert) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
        }
        String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        ProbeReport.Plaintext plain = plainHttp();
        ClientHelloProbe hello = new ClientHelloProbe(host, port, timeoutMillis);
        if (plain.kind() == ProbeReport.PlaintextKind.SERVES) {
            // A port that serves plaintext HTTP rarely speaks TLS too; one hello says so without a wait per version.
            ClientHelloProbe.Answer a = hello.offer(ClientHelloProbe.TLS12,
                    ClientHelloProbe.candidateSuites(ClientHelloProbe.TLS12));
            if (!a.accepted()) {
                List<ProbeReport.VersionSupport> none = new ArrayList<>();
                for (int v : VERSIONS) {
                    none.add(new ProbeReport.VersionSupport(v, List.of(), "not tried: the port speaks plaintext HTTP"));
                }
                return new ProbeReport(target, plain, none, null);
            }
        }
        List<ProbeReport.VersionSupport> versions = new ArrayList<>();
        List<byte[]> clearChain = List.of();
        int clearChainVersion = -1;
        for (int v : VERSIONS) {
            ClientHelloProbe.Answer[] first = new ClientHelloProbe.Answer[1];
            List<Integer> suites = hello.acceptedSuites(v, ClientHelloProbe.candidateSuites(v), first);
            versions.add(new ProbeReport.VersionSupport(v, List.copyOf(suites),
                    suites.isEmpty() ? first[0] == null ? "refused" : first[0].refusal() : null));
            if (!suites.isEmpty() && !first[0].chain().isEmpty()) {
                clearChain = first[0].chain();
                clearChainVersion = v;
            }
        }
        boolean modern = versions.stream().anyMatch(s -> s.accepted() && s.version() >= ClientHelloProbe.TLS12);
        boolean any = versions.stream().anyMatch(ProbeReport.VersionSupport::accepted);
        ProbeReport.CertificateCheck certificate = !any ? null
                : modern ? jdkVerification(cacert, clearChain, clearChainVersion)
                : chainVerification(cacert, clearChain, clearChainVersion);
        return new ProbeReport(target, plain, versions, certificate);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        return s;
    }

    /** A GET in clear, and what came back: a real answer, a refusal, or nothing that reads as HTTP. */
    ProbeReport.Plaintext plainHttp() {
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] answer = readSome(s.getInputStream(), 4096);
            if (answer.length == 0) {
                return new ProbeReport.Plaintext(ProbeReport.PlaintextKind.REFUSES, "closed the connection");
            }
            if ((answer[0] & 0xff) == 0x15) {
                return new ProbeReport.Plaintext(ProbeReport.PlaintextKind.REFUSES, "answered with a TLS alert");
            }
            return classify(new String(answer, StandardCharsets.ISO_8859_1));
        } catch (SocketTimeoutException e) {
            return new ProbeReport.Plaintext(ProbeReport.PlaintextKind.SILENT, "no answer within " + timeoutMillis
                    + " ms");
        } catch (IOException e) {
            return new ProbeReport.Plaintext(ProbeReport.PlaintextKind.REFUSES, "reset the connection ("
                    + e.getMessage() + ")");
        }
    }

    /** The first bytes of an answer, up to {@code max}, until the peer closes or pauses after the headers. */
    private byte[] readSome(InputStream in, int max) throws IOException {
        byte[] buf = new byte[max];
        int n = 0;
        try {
            while (n < max) {
                int r = in.read(buf, n, max - n);
                if (r < 0) {
                    break;
                }
                n += r;
                String sofar = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                if (sofar.contains("\r\n\r\n") && !sofar.startsWith("HTTP/1.1 400") && !sofar.startsWith("HTTP/1.0 400")
                        || (buf[0] & 0xff) == 0x15) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            if (n == 0) {
                throw e;
            }
        }
        return Arrays.copyOf(buf, n);
    }

    /**
     * An HTTP answer read: a 1xx-3xx answer serves plaintext, except a redirect to https://; an error refuses it,
     * nginx's 400 and 497 for plain HTTP on an HTTPS port among them.
     */
    static ProbeReport.Plaintext classify(String answer) {
        Matcher m = STATUS_LINE.matcher(answer);
        if (!m.find()) {
            return new ProbeReport.Plaintext(ProbeReport.PlaintextKind.SILENT, "answered " + answer.length()
                    + " bytes that are not HTTP");
        }
        int status = Integer.parseInt(m.group(1));
        String line = answer.substring(0, m.end()).strip();
        String lower = answer.toLowerCase(Locale.ROOT);
        if (status >= 400) {
            String why = lower.contains("plain http request was sent to https port")
                    ? " (plain HTTP request sent to an HTTPS port)" : "";
            return new ProbeReport.Plaintext(ProbeReport.PlaintextKind.REFUSES, line + why);
        }
        if (status >= 300 && status < 400 && lower.matches("(?s).*\r\nlocation:\\s*https://.*")) {
            return new ProbeReport.Plaintext(ProbeReport.PlaintextKind.REFUSES, line + " (redirect to https://)");
        }
        return new ProbeReport.Plaintext(ProbeReport.PlaintextKind.SERVES, line);
    }

    /** Verifies with the JDK's TLS client (TLS 1.2 or 1.3), as an HTTPS client would, naming the host. */
    private ProbeReport.CertificateCheck jdkVerification(Path cacert, List<byte[]> clearChain, int clearVersion) {
        String trust = trustName(cacert);
        List<X509Certificate> chain = decode(clearChain);
        int readWith = clearVersion;
        if (chain.isEmpty()) {
            // TLS 1.3 only: the chain travels encrypted; read it through a handshake that trusts anything.
            try (SSLSocket s = tlsSocket(trustAll())) {
                s.startHandshake();
                for (var c : s.getSession().getPeerCertificates()) {
                    chain = new ArrayList<>(chain);
                    chain.add((X509Certificate) c);
                }
                readWith = ClientHelloProbe.TLS13;
            } catch (GeneralSecurityException | IOException e) {
                chain = List.of();
            }
        }
        try {
            SSLContext context = cacert == null ? SSLContext.getDefault() : pinned(cacert);
            try (SSLSocket s = tlsSocket(context)) {
                SSLParameters params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(params);
                s.startHandshake();
                X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
                return new ProbeReport.CertificateCheck(trust, true, issuedBy(leaf), List.copyOf(chain), readWith);
            }
        } catch (SocketTimeoutException e) {
            return new ProbeReport.CertificateCheck(trust, false, "no TLS answer within " + timeoutMillis + " ms",
                    List.copyOf(chain), readWith);
        } catch (IOException e) {
            return new ProbeReport.CertificateCheck(trust, false, CertificateRejection.explain(e), List.copyOf(chain),
                    readWith);
        } catch (GeneralSecurityException e) {
            return new ProbeReport.CertificateCheck(trust, false, "cannot read " + cacert + ": " + e.getMessage(),
                    List.copyOf(chain), readWith);
        }
    }

    /**
     * Verifies the chain a TLS 1.0/1.1-only server sent in clear: the JDK's PKIX validation against the same trust
     * as {@link #jdkVerification}, then the host name.
     */
    private ProbeReport.CertificateCheck chainVerification(Path cacert, List<byte[]> clearChain, int version) {
        String trust = trustName(cacert);
        List<X509Certificate> chain = decode(clearChain);
        if (chain.isEmpty()) {
            return new ProbeReport.CertificateCheck(trust, false, "the server sent no certificate we could read",
                    chain, version);
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(cacert == null ? null : pinnedStore(cacert));
            X509TrustManager tm = null;
            for (TrustManager m : tmf.getTrustManagers()) {
                if (m instanceof X509TrustManager x) {
                    tm = x;
                }
            }
            if (tm == null) {
                throw new GeneralSecurityException("no X.509 trust manager");
            }
            String keyType = chain.get(0).getPublicKey().getAlgorithm();
            tm.checkServerTrusted(chain.toArray(new X509Certificate[0]), keyType.equals("EC") ? "ECDHE_ECDSA"
                    : "ECDHE_RSA");
            X509Certificate leaf = chain.get(0);
            if (!CertificateNameMatch.matches(leaf, host)) {
                return new ProbeReport.CertificateCheck(trust, false, "certificate is for "
                        + CertificateNameMatch.describeNames(leaf) + ", not for host " + host, chain, version);
            }
            return new ProbeReport.CertificateCheck(trust, true, issuedBy(leaf) + " (read from the "
                    + TlsNames.version(version) + " handshake)", chain, version);
        } catch (CertificateException e) {
            return new ProbeReport.CertificateCheck(trust, false, CertificateRejection.explain(e), chain, version);
        } catch (GeneralSecurityException | IOException | PkiException e) {
            return new ProbeReport.CertificateCheck(trust, false, "cannot verify: " + e.getMessage(), chain,
                    version);
        }
    }

    /** "CN=localhost issued by CN=Secret Squirrels CA": common names when there are, else the whole names. */
    private static String issuedBy(X509Certificate leaf) {
        return shortName(leaf.getSubjectX500Principal().getName()) + " issued by "
                + shortName(leaf.getIssuerX500Principal().getName());
    }

    private static String shortName(String rfc2253) {
        for (String part : rfc2253.split(",(?=[A-Za-z0-9.]+=)")) {
            if (part.startsWith("CN=")) {
                return part;
            }
        }
        return rfc2253;
    }

    private static String trustName(Path cacert) {
        return cacert == null ? "the JDK's trust store" : cacert.toString();
    }

    private static List<X509Certificate> decode(List<byte[]> der) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] d : der) {
                if (d.length > 0) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(d)));
                }
            }
        } catch (CertificateException e) {
            // An unreadable certificate ends the chain we can judge.
        }
        return List.copyOf(chain);
    }

    private SSLSocket tlsSocket(SSLContext context) throws IOException {
        Socket plain = connect();
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
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

    private static KeyStore pinnedStore(Path cacert) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cacert)) {
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, cert);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in it");
            }
        }
        return store;
    }

    private static SSLContext pinned(Path cacert) throws GeneralSecurityException, IOException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(pinnedStore(cacert));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
