package analyzer.pki;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Whether a certificate is for a host name or address, as clients decide it (RFC 6125, and OpenSSL's
 * X509_check_host): an address matches an IP entry only; a name matches a DNS entry, a wildcard standing for
 * exactly one whole left-most label; the subject's common name counts only when there is no DNS entry at all.
 */
public final class CertificateNameMatch {

    private CertificateNameMatch() {
    }

    public static boolean matches(X509Certificate certificate, String host) throws PkiException {
        String wanted = host.toLowerCase(Locale.ROOT);
        if (wanted.endsWith(".")) {
            wanted = wanted.substring(0, wanted.length() - 1);
        }
        String literal = wanted.startsWith("[") && wanted.endsWith("]") ? wanted.substring(1, wanted.length() - 1)
                : wanted;
        List<String> names = SubjectAltNames.of(certificate);
        if (SubjectAltNames.isIpLiteral(literal)) {
            String ip = "IP:" + SubjectAltNames.canonicalIp(literal);
            return names.stream().anyMatch(n -> n.equalsIgnoreCase(ip));
        }
        boolean anyDns = false;
        for (String name : names) {
            if (name.startsWith("DNS:")) {
                anyDns = true;
                if (dnsMatches(name.substring(4).toLowerCase(Locale.ROOT), wanted)) {
                    return true;
                }
            }
        }
        if (anyDns) {
            return false;
        }
        String cn = commonName(certificate);
        return cn != null && dnsMatches(cn.toLowerCase(Locale.ROOT), wanted);
    }

    /** The names a certificate is for, as people read them: "DNS:localhost, IP:127.0.0.1", or "CN=…". */
    public static String describeNames(X509Certificate certificate) throws PkiException {
        List<String> names = SubjectAltNames.of(certificate);
        if (!names.isEmpty()) {
            return String.join(", ", names);
        }
        String cn = commonName(certificate);
        return cn == null ? "no name" : "CN=" + cn;
    }

    static boolean dnsMatches(String pattern, String host) {
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (!pattern.startsWith("*.")) {
            return pattern.equals(host);
        }
        int dot = host.indexOf('.');
        // The wildcard is one whole label, and not the only label left of a public-looking suffix ("*.com").
        return dot > 0 && pattern.substring(1).equals(host.substring(dot)) && pattern.indexOf('.', 2) > 0;
    }

    private static String commonName(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] cns = subject.getRDNs(BCStyle.CN);
        return cns.length == 0 ? null : IETFUtils.valueToString(cns[cns.length - 1].getFirst().getValue());
    }
}
