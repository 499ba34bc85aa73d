package analyzer.pki;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The intercepting proxy's own CA, which forges a certificate for whatever host a client asks for (the approach
 * of mitmproxy). A client that pins its real CA rejects these certificates; one that trusts this CA, or nothing
 * at all, cannot tell them from the real thing.
 *
 * <p>The CA lives in a directory as {@code mitm-ca.pem} and {@code mitm-ca-key.pem}, made on first use and
 * reused afterwards, so a client told to trust it once keeps trusting it. The CA key is stored <em>unencrypted</em>
 * (mode 0600, directory 0700), as mitmproxy stores its own: the proxy must start without asking for a passphrase,
 * and this CA only ever vouches for forgeries in a demonstration.
 *
 * <p>Forging is built for a proxy's event loops: one leaf key pair is made per instance and reused for every host
 * (key generation is the slow part; a forged certificate needs no key of its own), so a new host costs one
 * signature and a host seen before costs a map lookup. Safe to call from many threads.
 */
public final class ForgedCertificateAuthority {

    public static final String CERTIFICATE_FILE = "mitm-ca.pem";
    public static final String KEY_FILE = "mitm-ca-key.pem";
    public static final String COMMON_NAME = "analyzer MITM CA";

    static final Duration CA_VALIDITY = Duration.ofDays(365);
    static final Duration LEAF_BACKDATE = Duration.ofDays(1);
    static final Duration LEAF_VALIDITY = Duration.ofDays(30);
    /** A cached leaf this close to its end is forged again rather than handed out. */
    static final Duration LEAF_RENEW_BEFORE = Duration.ofDays(1);
    static final int CACHE_SIZE = 256;

    private final CertificateAuthority ca;
    private final KeyPair leafKeys = KeyType.EC.generate();
    private final Map<String, Cached> cache = new LinkedHashMap<>(CACHE_SIZE * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    ForgedCertificateAuthority(CertificateAuthority ca) {
        this.ca = ca;
    }

    /** The CA in the directory, made there (EC P-256, one year) if the directory holds none yet. */
    public static ForgedCertificateAuthority loadOrCreate(Path dir) throws PkiException {
        createPrivateDirectory(dir);
        Path certificate = dir.resolve(CERTIFICATE_FILE);
        Path key = dir.resolve(KEY_FILE);
        boolean hasCertificate = Files.exists(certificate);
        boolean hasKey = Files.exists(key);
        if (hasCertificate && hasKey) {
            return loadUnexpired(dir, certificate, key);
        }
        if (hasCertificate || hasKey) {
            throw new PkiException(dir + " holds only " + (hasCertificate ? CERTIFICATE_FILE : KEY_FILE)
                    + " of the proxy's CA; remove it to make a new CA, or restore " + (hasCertificate ? KEY_FILE : CERTIFICATE_FILE));
        }
        CertificateAuthority created = newCa();
        try {
            Pem.writePrivateKey(key, created.privateKey(), null);
            Pem.writeCertificates(certificate, created.certificate());
        } catch (PkiException e) {
            if (Files.exists(certificate) && Files.exists(key)) {
                // Another proxy started at the same moment and made the CA first: use that one.
                return loadUnexpired(dir, certificate, key);
            }
            throw e;
        }
        return new ForgedCertificateAuthority(created);
    }

    /**
     * A CA that lives only in memory, for tests and one-off runs: no client can have been told to trust it
     * beforehand, so only clients built with {@link #caCertificate()} in their trust store accept its leaves.
     */
    public static ForgedCertificateAuthority inMemory() {
        return new ForgedCertificateAuthority(newCa());
    }

    private static CertificateAuthority newCa() {
        return CertificateAuthority.create(new SubjectName(COMMON_NAME, "analyzer", null, null, null), KeyType.EC,
                CA_VALIDITY);
    }

    /** An expired CA is not silently replaced: clients were told to trust that one, and must be told again. */
    private static ForgedCertificateAuthority loadUnexpired(Path dir, Path certificate, Path key) throws PkiException {
        CertificateAuthority ca = CertificateAuthority.load(certificate, key, null);
        Instant end = ca.certificate().getNotAfter().toInstant();
        if (!end.isAfter(Instant.now())) {
            throw new PkiException("the proxy's CA in " + dir + " expired on " + end + "; delete " + CERTIFICATE_FILE
                    + " and " + KEY_FILE + " to make a new one (clients must then trust the new one)");
        }
        return new ForgedCertificateAuthority(ca);
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /**
     * A certificate for the host (a DNS name, or an IPv4/IPv6 literal, with or without brackets) signed by this CA:
     * CN and subject alternative name set to the host, serverAuth, valid from a day ago for 30 days.
     */
    public ForgedLeaf leafFor(String host) throws PkiException {
        long now = System.currentTimeMillis();
        // The cache holds normalised hosts only, and normalising is idempotent: a host found as given is already
        // normal, so the common case (a lower-case SNI name) costs one lookup and no string work.
        Cached cached = cached(host, now);
        if (cached != null) {
            return cached.leaf();
        }
        String key = normaliseHost(host);
        if (!key.equals(host)) {
            cached = cached(key, now);
            if (cached != null) {
                return cached.leaf();
            }
        }
        // Signed outside the lock: two threads missing the same host at once both sign, which is harmless.
        ForgedLeaf forged = forge(key, Instant.ofEpochMilli(now));
        long renewAt = forged.certificate().getNotAfter().getTime() - LEAF_RENEW_BEFORE.toMillis();
        synchronized (cache) {
            cache.put(key, new Cached(forged, renewAt));
        }
        return forged;
    }

    /** A forged leaf and the moment it is due to be forged again. */
    private record Cached(ForgedLeaf leaf, long renewAtMillis) {
    }

    private Cached cached(String host, long now) {
        Cached cached;
        synchronized (cache) {
            cached = cache.get(host);
        }
        return cached != null && now < cached.renewAtMillis() ? cached : null;
    }

    private ForgedLeaf forge(String host, Instant now) throws PkiException {
        boolean literal = SubjectAltNames.isIpLiteral(host);
        GeneralNames sans = literal
                ? SubjectAltNames.toGeneralNames(List.of("IP:" + host))
                : new GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.dNSName, host));
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        Instant end = now.plus(LEAF_VALIDITY);
        X509Certificate leaf = ServerCertificateProfile.issue(ca.certificate(), ca.privateKey(),
                SubjectName.of(host).toX500Name(), leafKeys.getPublic(), sans,
                ServerCertificateProfile.seconds(now.minus(LEAF_BACKDATE)),
                ServerCertificateProfile.seconds(end.isAfter(caEnd) ? caEnd : end));
        return new ForgedLeaf(leafKeys.getPrivate(), new X509Certificate[] {leaf, ca.certificate()});
    }

    /**
     * Hosts as they arrive from SNI or a Host header: case and a trailing dot do not make a different host; an IPv6
     * literal may come in brackets. DNS names are not validated: a forgery must match whatever the client asked.
     */
    static String normaliseHost(String host) throws PkiException {
        if (host == null || host.isBlank()) {
            throw new PkiException("cannot forge a certificate without a host name");
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (SubjectAltNames.isIpLiteral(h)) {
            return SubjectAltNames.canonicalIp(h);
        }
        if (h.indexOf(':') >= 0) {
            throw new PkiException("cannot forge a certificate for '" + host + "': pass the host without a port");
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.length() > 253 || !h.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new PkiException("cannot forge a certificate for '" + host + "': not a host name");
        }
        return h;
    }

    private static void createPrivateDirectory(Path dir) throws PkiException {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                FileAttribute<?> owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
                Files.createDirectories(dir, owner);
            } else {
                Files.createDirectories(dir);
            }
        } catch (AccessDeniedException e) {
            throw new PkiException("cannot create " + dir + ": permission denied", e);
        } catch (IOException e) {
            throw new PkiException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
