package analyzer.cli;

import analyzer.pki.CertificateRequests;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import analyzer.pki.RequestSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "csr", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Make a server key and a certificate signing request (CSR) naming its hosts.",
            "A CA turns the CSR into a certificate: 'analyzer pki sign'."},
        footer = {"", "The key's passphrase comes from --passphrase-file FILE,",
            "else $" + PkiPassphrases.KEY_VARIABLE + ", else a prompt.",
            "", "Example:",
            "  analyzer pki csr --cn localhost --san DNS:localhost,IP:127.0.0.1 --no-passphrase"})
public final class PkiCsrCommand implements Callable<Integer> {

    @Option(names = "--key-out", paramLabel = "FILE", defaultValue = PkiFiles.SERVER_KEY,
            description = "Where to write the new private key (default: ${DEFAULT-VALUE}).")
    Path keyOut;

    @Option(names = "--csr-out", paramLabel = "FILE", defaultValue = PkiFiles.SERVER_CSR,
            description = "Where to write the CSR (default: ${DEFAULT-VALUE}).")
    Path csrOut;

    @Mixin
    PkiServerNameOptions server;

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
        var name = server.subjectName();
        List<String> names = server.subjectAltNames();
        PkiFiles.refuseExisting(force, keyOut, csrOut);
        char[] passphrase = key.passphrase(keyOut, PkiPassphrases.KEY_VARIABLE, err,
                "anyone who can read it can impersonate the server");
        try {
            KeyPair keys = key.keyType.generate();
            PKCS10CertificationRequest csr = CertificateRequests.create(keys, name, names);
            Pem.writePrivateKey(keyOut, keys.getPrivate(), passphrase, force);
            Pem.writeCsr(csrOut, csr, force);
            RequestSummary summary = RequestSummary.describe(csr);
            stdout.printf("CSR for %s (%s), names %s%n", summary.subject(), summary.publicKey(),
                    names.isEmpty() ? "none" : String.join(", ", names));
            PkiFiles.wrote(stdout, keyOut, PkiFiles.keyDescription(passphrase));
            PkiFiles.wrote(stdout, csrOut, "certificate signing request — the CA signs it");
            Main.next(spec, stdout, "analyzer pki sign --csr " + csrOut + " --ca-cert " + PkiFiles.CA_CERTIFICATE
                    + " --ca-key " + PkiFiles.CA_KEY + " --out " + PkiFiles.SERVER_CERTIFICATE);
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
