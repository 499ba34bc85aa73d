package analyzer.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Names as people read them: most specific first, "CN=localhost, O=Secret Squirrels, C=US" (RFC 4514 order,
 * which is also how the JDK's error messages print them), rather than in encoding order.
 */
public final class DistinguishedNames {

    private DistinguishedNames() {
    }

    public static String format(X500Name name) {
        RDN[] rdns = name.getRDNs();
        List<String> parts = new ArrayList<>(rdns.length);
        for (int i = rdns.length - 1; i >= 0; i--) {
            for (AttributeTypeAndValue value : rdns[i].getTypesAndValues()) {
                String type = BCStyle.INSTANCE.oidToDisplayName(value.getType());
                parts.add((type == null ? value.getType().getId() : type.toUpperCase(java.util.Locale.ROOT))
                        + "=" + IETFUtils.valueToString(value.getValue()));
            }
        }
        return parts.isEmpty() ? "(empty name)" : String.join(", ", parts);
    }

    public static String subject(X509Certificate certificate) {
        return format(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()));
    }

    public static String issuer(X509Certificate certificate) {
        return format(X500Name.getInstance(certificate.getIssuerX500Principal().getEncoded()));
    }
}
