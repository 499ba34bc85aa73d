package analyzer.workshop;

import analyzer.pki.PkiException;
import analyzer.pki.SubjectAltNames;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** How the server's banner and the client's messages name a certificate: short enough for one line. */
public final class CertificateNames {

    private CertificateNames() {
    }

    /** {@code CN=localhost} when the name has a common name, else the whole name. */
    public static String shortName(X500Principal principal) {
        String full = principal.getName(X500Principal.RFC2253);
        try {
            List<Rdn> rdns = new LdapName(full).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return "CN=" + rdns.get(i).getValue();
                }
            }
        } catch (InvalidNameException e) {
            return full;
        }
        return full.isEmpty() ? "(no name)" : full;
    }

    /** The subject alternative names as OpenSSL prints them ({@code DNS:localhost}); empty if none or unreadable. */
    public static List<String> subjectAltNames(X509Certificate certificate) {
        try {
            return SubjectAltNames.of(certificate);
        } catch (PkiException e) {
            return List.of();
        }
    }

    /** The first DNS name the certificate is for, or null: the name a client should put in the URL. */
    public static String firstDnsName(X509Certificate certificate) {
        for (String san : subjectAltNames(certificate)) {
            if (san.startsWith("DNS:")) {
                return san.substring(4);
            }
        }
        return null;
    }
}
