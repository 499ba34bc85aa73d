package analyzer.cli;

import analyzer.pki.CertificateAuthority;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which CA signs: its certificate, its private key, and where the key's passphrase comes from. */
public final class PkiCaKeyOptions {

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "The CA certificate (default: " + PkiFiles.CA_CERTIFICATE + ").")
    Path certificate;

    @Option(names = "--ca-key", paramLabel = "FILE",
            description = "The CA private key (default: " + PkiFiles.CA_KEY + ").")
    Path key;

    @Option(names = "--ca-passphrase-file", paramLabel = "FILE",
            description = "Passphrase of an encrypted CA key, first line of FILE. Without it: $"
                    + PkiPassphrases.CA_VARIABLE + ", else a prompt.")
    Path passphraseFile;

    /** The CA, its files taken from the options or else from the standard names in the directory. */
    CertificateAuthority load(Path directory) {
        return PkiFiles.loadCa(certificateFile(directory), keyFile(directory), passphraseFile);
    }

    Path certificateFile(Path directory) {
        return certificate != null ? certificate : PkiFiles.in(directory, PkiFiles.CA_CERTIFICATE);
    }

    Path keyFile(Path directory) {
        return key != null ? key : PkiFiles.in(directory, PkiFiles.CA_KEY);
    }
}
