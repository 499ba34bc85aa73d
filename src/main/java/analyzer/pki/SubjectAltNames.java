package analyzer.pki;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.util.IPAddress;

/**
 * Subject alternative names written as OpenSSL writes them: {@code DNS:localhost}, {@code IP:127.0.0.1},
 * {@code IP:::1}. Clients match the host they connected to against these (the common name is ignored once any
 * DNS name is present), so a certificate for {@code https://127.0.0.1/} needs an IP entry, not a DNS one.
 */
public final class SubjectAltNames {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private SubjectAltNames() {
    }

    /** Parses a comma-separated list such as {@code DNS:localhost,IP:127.0.0.1}; entries come back normalised. */
    public static List<String> parse(String commaSeparated) throws PkiException {
        List<String> names = new ArrayList<>();
        for (String entry : commaSeparated.split(",")) {
            if (!entry.isBlank()) {
                names.add(normalise(entry.strip()));
            }
        }
        return List.copyOf(names);
    }

    /** One entry, checked and normalised: the prefix upper-case, DNS names lower-case, IPv6 in its short form. */
    public static String normalise(String entry) throws PkiException {
        int colon = entry.indexOf(':');
        String kind = colon < 0 ? "" : entry.substring(0, colon).strip().toUpperCase(Locale.ROOT);
        String value = colon < 0 ? entry : entry.substring(colon + 1).strip();
        switch (kind) {
            case "DNS" -> {
                String name = value.toLowerCase(Locale.ROOT);
                if (isIpLiteral(name)) {
                    throw new PkiException("subject alternative name '" + entry + "' is an IP address; write IP:"
                            + value + " (clients match addresses only against IP entries)");
                }
                if (!isDnsName(name)) {
                    throw new PkiException("subject alternative name '" + entry
                            + "' is not a valid DNS name (letters, digits, '-' and '.', optionally starting '*.')");
                }
                return "DNS:" + name;
            }
            case "IP" -> {
                String literal = value.startsWith("[") && value.endsWith("]")
                        ? value.substring(1, value.length() - 1) : value;
                if (!isIpLiteral(literal)) {
                    throw new PkiException("subject alternative name '" + entry + "' is not an IPv4 or IPv6 address");
                }
                return "IP:" + canonicalIp(literal);
            }
            default -> throw new PkiException("subject alternative name '" + entry
                    + "' must start with DNS: or IP:, e.g. DNS:localhost,IP:127.0.0.1");
        }
    }

    /** The names as an X.509 GeneralNames structure; entries are checked as {@link #normalise} does. */
    public static GeneralNames toGeneralNames(List<String> names) throws PkiException {
        GeneralName[] general = new GeneralName[names.size()];
        for (int i = 0; i < general.length; i++) {
            String entry = normalise(names.get(i));
            String value = entry.substring(entry.indexOf(':') + 1);
            general[i] = entry.startsWith("DNS:")
                    ? new GeneralName(GeneralName.dNSName, value)
                    : new GeneralName(GeneralName.iPAddress, value);
        }
        return new GeneralNames(general);
    }

    /** The subject alternative names in a set of extensions (a certificate's or a CSR's request); empty if none. */
    public static List<String> of(Extensions extensions) {
        if (extensions == null) {
            return List.of();
        }
        GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        return names == null ? List.of() : describe(names);
    }

    /** The subject alternative names of a certificate; empty if it has none. */
    public static List<String> of(X509Certificate certificate) throws PkiException {
        try {
            return of(new JcaX509CertificateHolder(certificate).getExtensions());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new PkiException("cannot read the certificate of " + certificate.getSubjectX500Principal(), e);
        }
    }

    static List<String> describe(GeneralNames names) {
        List<String> out = new ArrayList<>();
        for (GeneralName name : names.getNames()) {
            out.add(switch (name.getTagNo()) {
                case GeneralName.dNSName -> "DNS:" + ASN1IA5String.getInstance(name.getName()).getString();
                case GeneralName.iPAddress -> "IP:" + ipFromOctets(ASN1OctetString.getInstance(name.getName()).getOctets());
                case GeneralName.rfc822Name -> "email:" + ASN1IA5String.getInstance(name.getName()).getString();
                case GeneralName.uniformResourceIdentifier -> "URI:" + ASN1IA5String.getInstance(name.getName()).getString();
                default -> "other:" + name.getName();
            });
        }
        return List.copyOf(out);
    }

    static boolean isIpLiteral(String s) {
        return IPAddress.isValidIPv4(s) || IPAddress.isValidIPv6(s);
    }

    private static boolean isDnsName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        String rest = name.startsWith("*.") ? name.substring(2) : name;
        if (rest.endsWith(".")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.isEmpty()) {
            return false;
        }
        for (String label : rest.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** An address in the form people type: 127.0.0.1, ::1 (RFC 5952), never 0:0:0:0:0:0:0:1. */
    static String canonicalIp(String literal) {
        byte[] octets = NetUtil.createByteArrayFromIpAddressString(literal);
        return ipFromOctets(octets);
    }

    private static String ipFromOctets(byte[] octets) {
        try {
            return NetUtil.toAddressString(InetAddress.getByAddress(octets));
        } catch (UnknownHostException e) {
            // Only thrown for a length other than 4 or 16: a malformed certificate. Show the bytes rather than fail.
            return "?" + org.bouncycastle.util.encoders.Hex.toHexString(octets);
        }
    }
}
