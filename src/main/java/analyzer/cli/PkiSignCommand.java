package analyzer.cli;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.CertificateSummary;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sign", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Sign a CSR with your CA, giving a server certificate.",
            "It gets the CSR's subject and names, your CA as issuer, and serverAuth usage.",
            "A CSR whose signature does not verify (altered on the way) is refused."},
        footer = {"", "Example:",
            "  analyzer pki sign --csr server-csr.pem --ca-cert ca-public-key.pem \\",
            "      --ca-key ca-private-key.pem --out server-public-key.pem --days 30"})
public final class PkiSignCommand implements Callable<Integer> {

    @Option(names = "--csr", paramLabel = "FILE", defaultValue = PkiFiles.SERVER_CSR,
            description = "The certificate signing request (default: ${DEFAULT-VALUE}).")
    Path csr;

    @Mixin
    PkiCaKeyOptions ca;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = PkiFiles.SERVER_CERTIFICATE,
            description = "Where to write the signed certificate (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    PkiValidityOption validity;

    @Option(names = "--force", description = "Overwrite an existing certificate file.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = Main.fitted(spec, spec.commandLine().getOut());
        Duration days = validity.validity();
        PkiFiles.refuseExisting(force, out);
        try {
            PKCS10CertificationRequest request = Pem.readCsr(csr);
            CertificateAuthority authority = ca.load(Path.of(""));
            X509Certificate certificate = authority.sign(request, days);
            Pem.writeCertificates(out, force, certificate);
            reportSigned(stdout, Main.fitted(spec, spec.commandLine().getErr()), certificate, days);
            PkiFiles.wrote(stdout, out, "server certificate, signed by " + ca.certificateFile(Path.of("")));
            Main.next(spec, stdout, "openssl verify -CAfile " + ca.certificateFile(Path.of("")) + " " + out,
                    "analyzer server --tls --cert " + out + " --key " + PkiFiles.SERVER_KEY);
            return ExitCodes.OK;
        } catch (PkiException e) {
            throw PkiFiles.error(e);
        }
    }

    /** The new certificate in one line, and warnings about what would make clients reject it. */
    static void reportSigned(PrintWriter out, PrintWriter err, X509Certificate certificate, Duration requested)
            throws PkiException {
        CertificateSummary summary = CertificateSummary.describe(certificate);
        out.printf("Certificate for %s (%s), valid until %s, issued by %s%n", PkiFiles.shortName(summary.subject()),
                summary.subjectAltNames().isEmpty() ? "no names" : String.join(", ", summary.subjectAltNames()),
                PkiFiles.when(summary.notAfter()), PkiFiles.shortName(summary.issuer()));
        if (summary.subjectAltNames().isEmpty()) {
            err.println("analyzer: warning: the certificate names no host (no subject alternative names);"
                    + " curl and browsers will reject it for any host");
        }
        Duration granted = Duration.between(java.time.Instant.now(), summary.notAfter());
        if (granted.compareTo(requested.minusHours(1)) < 0) {
            err.println("analyzer: warning: valid " + granted.toDays() + " days instead of " + requested.toDays()
                    + ": a certificate cannot outlive the CA that signed it");
        }
        err.flush();
    }
}
