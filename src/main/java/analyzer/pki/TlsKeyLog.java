package analyzer.pki;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSLContext;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;

/**
 * A key log our own TLS endpoints (server, client, proxy) append their session keys to, in the NSS format that
 * Wireshark, tshark and {@code analyzer read --keylog} read — as curl and browsers do with {@code SSLKEYLOGFILE}.
 *
 * <p>The JDK's TLS has no way to hand out session keys. BoringSSL has a keylog callback, which netty-tcnative
 * exposes for a context ({@link SSLContext#setKeyLogCallback}): an endpoint that writes keys therefore runs on Netty's
 * OpenSSL engine ({@link #configure}); every other endpoint keeps the JDK's provider. BoringSSL calls back with
 * whole lines ({@code CLIENT_RANDOM …} under TLS 1.2, the five TLS 1.3 secrets), on the thread doing the handshake,
 * before the keys protect anything; each line is appended at once, so a capture reading the file sees it in time.
 */
public final class TlsKeyLog implements AutoCloseable {

    /** The variable curl, browsers and Python read: a key log file to append to. */
    public static final String VARIABLE = "SSLKEYLOGFILE";

    private final Path file;
    private final FileChannel channel;
    private long lines;

    private TlsKeyLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens the file for appending, created readable by its owner only (the keys open every connection logged).
     *
     * @throws IOException with a one-line message when it cannot be written
     * @throws IllegalStateException when this platform has no OpenSSL engine to take the keys from
     */
    public static TlsKeyLog open(Path file) throws IOException {
        if (!available()) {
            throw new IllegalStateException("cannot write TLS keys here: Netty's OpenSSL engine is not available ("
                    + unavailableReason() + "); the JDK's TLS does not give its keys out");
        }
        if (Files.isDirectory(file)) {
            throw new IOException("cannot write the key log " + file + ": it is a directory");
        }
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                // appended to, as clients do with SSLKEYLOGFILE
            } catch (UnsupportedOperationException e) {
                Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
            }
            return new TlsKeyLog(file, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot write the key log " + file + ": permission denied", e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot write the key log " + file + ": its directory does not exist", e);
        } catch (IOException e) {
            throw new IOException("cannot write the key log " + file + ": " + e.getMessage(), e);
        }
    }

    /** The key log a command should write: its option, else {@code SSLKEYLOGFILE}, else none (null). */
    public static Path chosen(Path option, Function<String, String> environment) {
        if (option != null) {
            return option;
        }
        String variable = environment.apply(VARIABLE);
        return variable == null || variable.isBlank() ? null : Path.of(variable);
    }

    public static Path chosen(Path option) {
        return chosen(option, System.getenv()::get);
    }

    /** Whether this platform's jar holds a working OpenSSL engine (BoringSSL) for this JVM. */
    public static boolean available() {
        return OpenSsl.isAvailable();
    }

    static String unavailableReason() {
        Throwable cause = OpenSsl.unavailabilityCause();
        return cause == null ? "unknown reason" : String.valueOf(cause.getMessage());
    }

    public Path file() {
        return file;
    }

    /** Lines written so far. */
    public synchronized long lines() {
        return lines;
    }

    /** Makes the builder's contexts able to give out their keys: Netty's OpenSSL engine. */
    public SslContextBuilder configure(SslContextBuilder builder) {
        return builder.sslProvider(SslProvider.OPENSSL);
    }

    /**
     * Has the context (built after {@link #configure}) write every session's keys here.
     *
     * @return the context
     */
    public SslContext attach(SslContext context) {
        if (!(context instanceof ReferenceCountedOpenSslContext openSsl)) {
            throw new IllegalStateException("a key log needs a context of Netty's OpenSSL engine, not "
                    + context.getClass().getSimpleName());
        }
        if (!SSLContext.setKeyLogCallback(tcnativeContext(openSsl), (ssl, line) -> write(line))) {
            throw new IllegalStateException("this OpenSSL engine cannot log keys");
        }
        return context;
    }

    /**
     * The tcnative context the {@link SSLContext} functions take. Netty 4.2.18 has no context option for a keylog
     * callback and keeps that handle in a protected field ({@code sslCtxPointer()} is BoringSSL's SSL_CTX, which
     * tcnative's functions do not take); Netty's classes are on the class path, so reflection may read it.
     */
    private static long tcnativeContext(ReferenceCountedOpenSslContext context) {
        try {
            Field field = ReferenceCountedOpenSslContext.class.getDeclaredField("ctx");
            field.setAccessible(true);
            return field.getLong(context);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reach the OpenSSL context of this Netty version to log keys: " + e,
                    e);
        }
    }

    private synchronized void write(byte[] line) {
        ByteBuffer buffer = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            lines++;
        } catch (IOException e) {
            // A full disk must not break the connection whose keys these are; the lines written say what is there.
        }
    }

    /** "analyzer: warning: writing TLS session keys to FILE: …" for the endpoint's stderr. */
    public String warning(boolean fromEnvironment) {
        return "writing TLS session keys to " + file + (fromEnvironment ? " (" + VARIABLE + ")" : "")
                + ": whoever reads it can decrypt these connections";
    }

    /** Closes the file; a connection that handshakes later writes nothing. */
    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // every line written so far is in the file already
        }
    }
}
