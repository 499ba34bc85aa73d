package analyzer.pki;

import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Who a certificate or CSR speaks for. Any part may be null (it is then left out of the name), but not all of
 * them. The country, when given, is a two-letter ISO 3166 code as X.509 requires.
 */
public record SubjectName(String commonName, String organization, String country, String state, String locality) {

    public SubjectName {
        commonName = blankToNull(commonName);
        organization = blankToNull(organization);
        country = blankToNull(country);
        state = blankToNull(state);
        locality = blankToNull(locality);
        if (commonName == null && organization == null && country == null && state == null && locality == null) {
            throw new IllegalArgumentException("a subject name needs at least a common name (CN)");
        }
        if (country != null) {
            if (!country.matches("[A-Za-z]{2}")) {
                throw new IllegalArgumentException("country must be a two-letter code such as US or DE, not '"
                        + country + "'");
            }
            country = country.toUpperCase(Locale.ROOT);
        }
    }

    /** A name with only a common name, e.g. {@code of("localhost")}. */
    public static SubjectName of(String commonName) {
        return new SubjectName(commonName, null, null, null, null);
    }

    /** The X.500 name, in the order OpenSSL and the tutorial use (C, ST, L, O, CN). */
    public X500Name toX500Name() {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        add(builder, BCStyle.C, country);
        add(builder, BCStyle.ST, state);
        add(builder, BCStyle.L, locality);
        add(builder, BCStyle.O, organization);
        add(builder, BCStyle.CN, commonName);
        return builder.build();
    }

    private static void add(X500NameBuilder builder, org.bouncycastle.asn1.ASN1ObjectIdentifier oid, String value) {
        if (value != null) {
            builder.addRDN(oid, value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
