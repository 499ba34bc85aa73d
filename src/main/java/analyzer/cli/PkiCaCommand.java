package analyzer.cli;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.CertificateSummary;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ca", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Make a certificate authority: a private key and a self-signed CA certificate.",
            PkiFiles.CA_KEY + " is encrypted, mode 0600; " + PkiFiles.CA_CERTIFICATE + " is what clients pin."},
        footer = {"", "The key's passphrase comes from --passphrase-file FILE,",
            "else $" + PkiPassphrases.CA_VARIABLE + ", else a prompt; never from the command line.",
            "", "Examples:",
            "  analyzer pki ca --out ca",
            "  ANALYZER_CA_PASSPHRASE=secret_password analyzer pki ca --key-type ec --days 7"})
public final class PkiCaCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "Directory for the two files, created if missing (default: current directory).")
    Path out;

    @Option(names = "--cn", paramLabel = "NAME", defaultValue = "Secret Squirrels CA",
            description = "Common name (CN) of the CA (default: ${DEFAULT-VALUE}).")
    String commonName;

    @Mixin
    PkiSubjectOptions subject;

    @Mixin
    PkiValidityOption validity;

    @Mixin
    PkiNewKeyOptions key;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = Main.fitted(spec, spec.commandLine().getOut());
        PrintWriter err = Main.fitted(spec, spec.commandLine().getErr());
        Path keyFile = PkiFiles.in(out, PkiFiles.CA_KEY);
        Path certificateFile = PkiFiles.in(out, PkiFiles.CA_CERTIFICATE);
        var name = subject.withCommonName(commonName);
        Duration days = validity.validity();
        PkiFiles.refuseNonDirectory(out);
        PkiFiles.refuseExisting(force, keyFile, certificateFile);
        char[] passphrase = key.passphrase(keyFile, PkiPassphrases.CA_VARIABLE, err,
                "anyone who can read it can sign certificates your clients will trust");
        PkiFiles.createDirectory(out);
        try {
            CertificateAuthority ca = CertificateAuthority.create(name, key.keyType, days);
            Pem.writePrivateKey(keyFile, ca.privateKey(), passphrase, force);
            Pem.writeCertificates(certificateFile, force, ca.certificate());
            CertificateSummary summary = CertificateSummary.describe(ca.certificate());
            stdout.printf("CA %s (%s), valid until %s%n", PkiFiles.shortName(summary.subject()), summary.publicKey(),
                    PkiFiles.when(summary.notAfter()));
            PkiFiles.wrote(stdout, keyFile, PkiFiles.keyDescription(passphrase) + " — keep it secret");
            PkiFiles.wrote(stdout, certificateFile, "CA certificate — give it to the clients that should trust it");
            String caDir = out.normalize().toString().isEmpty() ? "." : out.normalize().toString();
            Main.next(spec, stdout,
                    "# a certificate for localhost, signed by this CA; then the server that presents it:",
                    "analyzer pki server-cert --ca-dir " + caDir,
                    "analyzer server --tls --cert " + PkiFiles.SERVER_CERTIFICATE + " --key " + PkiFiles.SERVER_KEY,
                    "# clients that trust this CA alone:",
                    "analyzer client --cacert " + certificateFile + " https://localhost:5683/",
                    "curl --cacert " + certificateFile + " https://localhost:5683/");
            return ExitCodes.OK;
        } catch (PkiException e) {
            throw PkiFiles.error(e);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }
}
