package analyzer.cli;

import analyzer.dissect.tls.KeyLogFile;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What TLS is opened with: key logs and servers' RSA keys. Shared by read, capture and check. */
public final class TlsKeyOptions {

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "Decrypt TLS with this key log (NSS format: SSLKEYLOGFILE of curl, browsers, Python;"
                    + " openssl s_client -keylogfile); repeatable. Keys inside a pcapng file are used without it.")
    List<Path> keyLogs = new ArrayList<>();

    @Option(names = "--server-key", paramLabel = "PEM",
            description = "Decrypt sessions with RSA key exchange (TLS_RSA_WITH_*, no forward secrecy) with this"
                    + " server private key; repeatable. Its passphrase: --key-passphrase-file, $"
                    + PkiPassphrases.KEY_VARIABLE + " or a prompt.")
    List<Path> serverKeys = new ArrayList<>();

    @Option(names = "--key-passphrase-file", paramLabel = "FILE",
            description = "The passphrase of an encrypted --server-key (its first line).")
    Path keyPassphraseFile;

    /**
     * Reads the key logs and server keys; a missing or unreadable file, or a key that cannot be read, is a
     * one-line UserError. Malformed key lines, and later warnings, go to {@code err}, once each.
     *
     * @param tail keep reading the key logs as clients append to them (a live capture)
     */
    public KeyMaterial load(boolean tail, PrintWriter err) {
        KeyMaterial keys = new KeyMaterial(problem -> {
            synchronized (err) {
                err.println("analyzer: warning: " + problem);
                err.flush();
            }
        });
        if (keyPassphraseFile != null && serverKeys.isEmpty()) {
            throw new UserError("--key-passphrase-file is for an encrypted --server-key; add --server-key PEM");
        }
        for (Path file : keyLogs) {
            try {
                keys.addKeyLog(KeyLogFile.open(file), tail);
            } catch (IOException e) {
                keys.close();
                throw new UserError(e.getMessage(), "Give the file a TLS client wrote with SSLKEYLOGFILE=FILE"
                        + " (or openssl s_client -keylogfile FILE)" + (tail ? "; to capture first, create it"
                        + " empty (touch FILE) and let the client append to it." : "."));
            }
        }
        for (Path file : serverKeys) {
            char[] passphrase = PkiPassphrases.forExistingKey(file, keyPassphraseFile, PkiPassphrases.KEY_VARIABLE,
                    "--key-passphrase-file");
            PrivateKey key;
            try {
                key = Pem.readPrivateKey(file, passphrase);
            } catch (PkiException e) {
                keys.close();
                throw PkiFiles.error(e);
            }
            try {
                keys.addServerKey(file.toString(), key);
            } catch (IllegalArgumentException e) {
                keys.close();
                throw new UserError("--server-key " + e.getMessage());
            }
        }
        return keys;
    }
}
