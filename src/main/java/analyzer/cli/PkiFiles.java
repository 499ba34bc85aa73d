package analyzer.cli;

import analyzer.pki.CertificateAuthority;
import analyzer.pki.PkiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** What the pki commands share: output directories, the overwrite rule, and how they report what they wrote. */
final class PkiFiles {

    static final String CA_CERTIFICATE = "ca-public-key.pem";
    static final String CA_KEY = "ca-private-key.pem";
    static final String SERVER_KEY = "server-private-key.pem";
    static final String SERVER_CSR = "server-csr.pem";
    static final String SERVER_CERTIFICATE = "server-public-key.pem";
    static final String DEFAULT_SANS = "DNS:localhost,IP:127.0.0.1,IP:::1";

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private PkiFiles() {
    }

    static UserError error(PkiException e) {
        return new UserError(ExitCodes.USAGE, e.getMessage(), null, e);
    }

    /** A file in a directory, written as people would type it ("ca.pem", not "./ca.pem"). */
    static Path in(Path directory, String name) {
        return directory.resolve(name).normalize();
    }

    /** Checked before any question is asked; the directory itself is made only once there is something to write. */
    static void refuseNonDirectory(Path directory) {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new UserError(directory + " is a file, not a directory");
        }
    }

    static void createDirectory(Path directory) {
        if (Files.isDirectory(directory)) {
            return;
        }
        refuseNonDirectory(directory);
        try {
            Files.createDirectories(directory);
        } catch (AccessDeniedException e) {
            throw new UserError("cannot create directory " + directory + ": permission denied");
        } catch (IOException e) {
            throw new UserError("cannot create directory " + directory + ": " + e.getMessage());
        }
    }

    /** Checked before any work, so that a refusal leaves no half-written set of files behind. */
    static void refuseExisting(boolean force, Path... files) {
        if (force) {
            return;
        }
        for (Path file : files) {
            if (Files.exists(file)) {
                throw new UserError(file + " exists; use --force to overwrite");
            }
        }
    }


    static CertificateAuthority loadCa(Path certificate, Path key, Path passphraseFile) {
        char[] passphrase = PkiPassphrases.forExistingKey(key, passphraseFile, PkiPassphrases.CA_VARIABLE,
                "--ca-passphrase-file");
        try {
            return CertificateAuthority.load(certificate, key, passphrase);
        } catch (PkiException e) {
            throw error(e);
        } finally {
            if (passphrase != null) {
                java.util.Arrays.fill(passphrase, '\0');
            }
        }
    }

    static void wrote(PrintWriter out, Path file, String what) {
        out.printf("  wrote  %-28s  %s%n", file, what);
    }

    static String keyDescription(char[] passphrase) {
        return passphrase == null ? "private key, UNENCRYPTED, mode 0600" : "private key, encrypted, mode 0600";
    }

    static void warnUnencrypted(PrintWriter err, Path key, String consequence) {
        err.println("analyzer: warning: " + key + " is written unencrypted; " + consequence);
        err.flush();
    }

    /** "CN=localhost" out of "CN=localhost, O=Secret Squirrels, C=US": enough to tell who in a sentence. */
    static String shortName(String distinguishedName) {
        if (!distinguishedName.startsWith("CN=")) {
            return distinguishedName;
        }
        for (int i = 0; i + 1 < distinguishedName.length(); i++) {
            char c = distinguishedName.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ',') {
                return distinguishedName.substring(0, i);
            }
        }
        return distinguishedName;
    }

    static String when(Instant instant) {
        return WHEN.format(instant);
    }
}
