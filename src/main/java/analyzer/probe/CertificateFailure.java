package analyzer.probe;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

/** Puts the JDK's words for a failed certificate check into the ones a workshop knows from curl and OpenSSL. */
public final class CertificateFailure {

    private CertificateFailure() {
    }

    public static String explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "certificate has expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "certificate is not yet valid";
            }
            String m = String.valueOf(t.getMessage());
            if (m.contains("unable to find valid certification path")
                    || (t instanceof CertPathValidatorException && m.contains("anchor"))) {
                return "unable to get local issuer certificate (not signed by a trusted CA)";
            }
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "the certificate is not for this host (" + m + ")";
            }
        }
        String m = failure.getMessage();
        return m == null ? failure.getClass().getSimpleName() : m;
    }
}
