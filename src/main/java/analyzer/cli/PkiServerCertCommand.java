package analyzer.cli;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.IssuedCertificate;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "server-cert", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Make a server key, its CSR and the certificate your CA signs, in one step.",
            "Writes " + PkiFiles.SERVER_KEY + ", " + PkiFiles.SERVER_CSR + ", " + PkiFiles.SERVER_CERTIFICATE + "."},
        footer = {"", "Server key passphrase: --passphrase-file FILE, else $" + PkiPassphrases.KEY_VARIABLE + ",",
            "else a prompt. CA key: --ca-passphrase-file FILE, else $" + PkiPassphrases.CA_VARIABLE + ",",
            "else a prompt.",
            "", "Examples:",
            "  analyzer pki server-cert --ca-dir ca --out server",
            "  analyzer pki server-cert --cn squirrels.local \\",
            "      --san DNS:squirrels.local,IP:127.0.0.1 --no-passphrase"})
public final class PkiServerCertCommand implements Callable<Integer> {

    @Option(names = "--ca-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Directory holding " + PkiFiles.CA_CERTIFICATE + " and " + PkiFiles.CA_KEY
                    + " (default: current directory).")
    Path caDirectory;

    @Mixin
    PkiCaKeyOptions ca;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "Directory for the three files, created if missing (default: current directory).")
    Path out;

    @Mixin
    PkiServerNameOptions server;

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
        Duration days = validity.validity();
        var name = server.subjectName();
        List<String> names = server.subjectAltNames();
        Path keyFile = PkiFiles.in(out, PkiFiles.SERVER_KEY);
        Path csrFile = PkiFiles.in(out, PkiFiles.SERVER_CSR);
        Path certificateFile = PkiFiles.in(out, PkiFiles.SERVER_CERTIFICATE);
        PkiFiles.refuseNonDirectory(out);
        PkiFiles.refuseExisting(force, keyFile, csrFile, certificateFile);
        CertificateAuthority authority = ca.load(caDirectory);
        char[] passphrase = key.passphrase(keyFile, PkiPassphrases.KEY_VARIABLE, err,
                "anyone who can read it can impersonate the server");
        PkiFiles.createDirectory(out);
        try {
            IssuedCertificate issued = authority.issueServerCertificate(name, names, key.keyType, days);
            Pem.writePrivateKey(keyFile, issued.privateKey(), passphrase, force);
            Pem.writeCsr(csrFile, issued.csr(), force);
            Pem.writeCertificates(certificateFile, force, issued.certificate());
            PkiSignCommand.reportSigned(stdout, err, issued.certificate(), days);
            PkiFiles.wrote(stdout, keyFile, PkiFiles.keyDescription(passphrase));
            PkiFiles.wrote(stdout, csrFile, "certificate signing request (kept for the record)");
            PkiFiles.wrote(stdout, certificateFile, "server certificate, signed by " + ca.certificateFile(caDirectory));
            Main.next(spec, stdout, "analyzer server --tls --cert " + certificateFile + " --key " + keyFile
                    + (passphrase == null ? "" : " --key-passphrase-file FILE"),
                    "curl --cacert " + ca.certificateFile(caDirectory) + " https://localhost:5683/");
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
