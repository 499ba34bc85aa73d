package analyzer.cli;

import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Where passphrases for private keys come from: a file, an environment variable, or a question at the terminal
 * (without echo). Never a command-line argument: those end up in shell history and in every user's {@code ps}.
 */
final class PkiPassphrases {

    static final String CA_VARIABLE = "ANALYZER_CA_PASSPHRASE";
    static final String KEY_VARIABLE = "ANALYZER_KEY_PASSPHRASE";

    /** Asks the person at the terminal; returns null when there is no terminal to ask. */
    interface Prompt {
        char[] ask(String question);
    }

    // Replaceable so that tests can stand in for the environment and the terminal.
    static Function<String, String> environment = System::getenv;
    static Prompt prompt = PkiPassphrases::askConsole;

    private PkiPassphrases() {
    }

    /**
     * The passphrase for a key about to be written, from the file, else the variable, else asked twice at the
     * terminal. Null never comes back: the caller handles --no-passphrase before asking.
     */
    static char[] forNewKey(Path key, Path passphraseFile, String variable, String fileOption) {
        if (passphraseFile != null) {
            return fromFile(passphraseFile);
        }
        char[] fromEnvironment = fromEnvironment(variable);
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        char[] first = prompt.ask("Passphrase to encrypt " + key + ": ");
        if (first == null) {
            throw new UserError("no passphrase for " + key + " and no terminal to ask for one",
                    "Give one with " + fileOption + " FILE or the environment variable " + variable
                            + ", or run in a terminal; --no-passphrase writes the key unencrypted.");
        }
        char[] second = prompt.ask("Repeat the passphrase: ");
        try {
            if (first.length == 0) {
                throw new UserError("the passphrase is empty", "Type one, or use --no-passphrase for an unencrypted key.");
            }
            if (second == null || !Arrays.equals(first, second)) {
                throw new UserError("the two passphrases differ; nothing was written");
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** The passphrase to read an existing key: none if it is not encrypted, else file, variable or prompt. */
    static char[] forExistingKey(Path key, Path passphraseFile, String variable, String fileOption) {
        try {
            if (!Pem.isEncryptedPrivateKey(key)) {
                return null;
            }
        } catch (PkiException e) {
            throw PkiFiles.error(e);
        }
        if (passphraseFile != null) {
            return fromFile(passphraseFile);
        }
        char[] fromEnvironment = fromEnvironment(variable);
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        char[] typed = prompt.ask("Passphrase for " + key + ": ");
        if (typed == null) {
            throw new UserError(key + " is encrypted and no passphrase was given",
                    "Give it with " + fileOption + " FILE or the environment variable " + variable
                            + ", or run in a terminal to be asked.");
        }
        return typed;
    }

    /** The file's first line; the rest (and the line ending) is not part of the passphrase. */
    static char[] fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("passphrase file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new UserError("cannot read passphrase file " + file + ": permission denied");
        } catch (IOException e) {
            throw new UserError("cannot read passphrase file " + file + ": " + e.getMessage());
        }
        int end = 0;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        if (end == 0) {
            throw new UserError("passphrase file " + file + " is empty (the passphrase is its first line)");
        }
        return text.substring(0, end).toCharArray();
    }

    private static char[] fromEnvironment(String variable) {
        String value = environment.apply(variable);
        return value == null || value.isEmpty() ? null : value.toCharArray();
    }

    private static char[] askConsole(String question) {
        Console console = System.console();
        return console == null ? null : console.readPassword("%s", question);
    }
}
