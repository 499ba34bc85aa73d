package analyzer.cli;

import analyzer.pki.KeyType;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of a command that makes a private key: its type and how it is protected. */
public final class PkiNewKeyOptions {

    @Option(names = "--key-type", paramLabel = "rsa|ec", defaultValue = "rsa",
            description = "RSA 2048 or EC P-256 (default: rsa).")
    KeyType keyType = KeyType.RSA;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Encrypt the new private key with the passphrase on the first line of FILE."
                    + " Without it: the environment variable named below, else a prompt at the terminal.")
    Path passphraseFile;

    @Option(names = "--no-passphrase", description = "Write the private key unencrypted (prints a warning).")
    boolean noPassphrase;

    /** The passphrase for the new key, or null (with a warning) for --no-passphrase. */
    char[] passphrase(Path key, String variable, PrintWriter err, String consequence) {
        if (noPassphrase) {
            if (passphraseFile != null) {
                throw new UserError("--no-passphrase and --passphrase-file contradict each other; give one");
            }
            PkiFiles.warnUnencrypted(err, key, consequence);
            return null;
        }
        return PkiPassphrases.forNewKey(key, passphraseFile, variable, "--passphrase-file");
    }
}
