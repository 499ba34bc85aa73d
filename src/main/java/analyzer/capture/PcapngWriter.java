package analyzer.capture;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes a pcapng file (one section, one interface, Enhanced Packet Blocks with microsecond timestamps) that can
 * carry a comment on any frame and TLS secrets for Wireshark. Frames go to the file as they come, so a capture
 * cut short still holds them; comments and secrets, known only once the frames are dissected, are woven in when
 * the writer closes: the file is copied once, each commented frame gets its {@code opt_comment} options, the
 * secrets a Decryption Secrets Block ahead of the first frame, and the copy replaces the file. Bounded: at most
 * {@link #MAX_COMMENTS} comments of {@link #MAX_COMMENT_BYTES} each, {@link #MAX_SECRET_BYTES} of secrets.
 */
public final class PcapngWriter implements CaptureWriter {

    static final int SECTION_HEADER = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION = 1;
    static final int ENHANCED_PACKET = 6;
    static final int DECRYPTION_SECRETS = 0x0000000A;
    static final int TLS_KEY_LOG = 0x544c534b;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int OPT_END = 0;
    private static final int OPT_COMMENT = 1;
    private static final int SHB_USER_APPLICATION = 4;

    static final int MAX_COMMENTS = 100_000;
    static final int MAX_COMMENT_BYTES = 1024;
    static final int MAX_SECRET_BYTES = 16 << 20;

    private final Path file;
    private final OutputStream out;
    private final Map<Long, List<String>> comments = new HashMap<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private int secretBytes;
    private int commentCount;
    private long frames;
    private boolean closed;
    private String problem;

    private PcapngWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    public static PcapngWriter create(Path file, int linkType, int snaplen) throws CaptureException {
        try {
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            PcapngWriter writer = new PcapngWriter(file, out);
            out.write(sectionHeader());
            out.write(interfaceDescription(linkType, snaplen));
            return writer;
        } catch (IOException e) {
            throw new CaptureException("cannot write " + file + ": " + e.getMessage(),
                    "Check that the directory exists and is writable", e);
        }
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public boolean annotates() {
        return true;
    }

    @Override
    public synchronized void write(long timestampMicros, byte[] data, int capturedLength, int originalLength) {
        if (closed) {
            return;
        }
        try {
            out.write(enhancedPacket(timestampMicros, data, capturedLength, originalLength, List.of()));
            frames++;
        } catch (IOException e) {
            fail("cannot write " + file + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void comment(long frame, String text) {
        if (closed || frame < 1 || text == null || text.isBlank()) {
            return;
        }
        List<String> onFrame = comments.computeIfAbsent(frame, f -> new ArrayList<>(1));
        if (onFrame.contains(text) || commentCount >= MAX_COMMENTS) {
            return;
        }
        onFrame.add(text);
        commentCount++;
    }

    @Override
    public synchronized void secrets(String nssKeyLog) {
        if (closed || nssKeyLog == null || nssKeyLog.isBlank()) {
            return;
        }
        for (String line : nssKeyLog.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && secretBytes + l.length() + 1 <= MAX_SECRET_BYTES
                    && secrets.add(l)) {
                secretBytes += l.length() + 1;
            }
        }
    }

    /** Frames written so far. */
    public synchronized long frames() {
        return frames;
    }

    /** Why the file could not be written or annotated, or null. */
    public synchronized String problem() {
        return problem;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            fail("cannot write " + file + ": " + e.getMessage());
            return;
        }
        if (!comments.isEmpty() || !secrets.isEmpty()) {
            annotate();
        }
    }

    /** Copies the file with the comments and secrets in, then puts the copy in its place. */
    private void annotate() {
        Path copy = file.resolveSibling(file.getFileName() + ".annotating");
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
             OutputStream annotated = new BufferedOutputStream(Files.newOutputStream(copy), 1 << 16)) {
            long frame = 0;
            String keyLog = secrets.isEmpty() ? "" : String.join("\n", secrets) + "\n";
            boolean secretsWritten = keyLog.isEmpty();
            for (byte[] block; (block = nextBlock(in)) != null; ) {
                ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
                int type = b.getInt(0);
                if (type == ENHANCED_PACKET) {
                    if (!secretsWritten) {
                        annotated.write(decryptionSecrets(keyLog));
                        secretsWritten = true;
                    }
                    List<String> notes = comments.get(++frame);
                    annotated.write(notes == null ? block : withComments(b, notes));
                } else {
                    annotated.write(block);
                }
            }
            if (!secretsWritten) {
                annotated.write(decryptionSecrets(keyLog));
            }
        } catch (IOException e) {
            fail("cannot add the comments to " + file + " (the frames are kept without them): " + e.getMessage());
            deleteQuietly(copy);
            return;
        }
        try {
            Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException again) {
                fail("cannot add the comments to " + file + " (the frames are kept without them): "
                        + again.getMessage());
                deleteQuietly(copy);
            }
        }
    }

    /** The next whole block of a file this writer made (little-endian), or null at the end. */
    private static byte[] nextBlock(DataInputStream in) throws IOException {
        byte[] head = new byte[8];
        try {
            in.readFully(head);
        } catch (EOFException e) {
            return null;
        }
        int length = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        if (length < 12 || (length & 3) != 0) {
            throw new IOException("a block of " + Integer.toUnsignedString(length) + " bytes");
        }
        byte[] block = new byte[length];
        System.arraycopy(head, 0, block, 0, 8);
        in.readFully(block, 8, length - 8);
        return block;
    }

    /** The same Enhanced Packet Block with the comments as its options. */
    private static byte[] withComments(ByteBuffer block, List<String> notes) {
        int capturedLength = block.getInt(20);
        byte[] data = new byte[capturedLength];
        block.get(28, data, 0, capturedLength);
        long ts = ((long) block.getInt(12) << 32) | (block.getInt(16) & 0xffffffffL);
        return enhancedPacket(ts, data, capturedLength, block.getInt(24), notes);
    }

    static byte[] sectionHeader() {
        byte[] application = ("analyzer " + version()).getBytes(StandardCharsets.UTF_8);
        int options = option(application.length) + 4;
        ByteBuffer b = block(SECTION_HEADER, 16 + options);
        b.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        putOption(b, SHB_USER_APPLICATION, application);
        b.putShort((short) OPT_END).putShort((short) 0);
        return end(b);
    }

    static byte[] interfaceDescription(int linkType, int snaplen) {
        ByteBuffer b = block(INTERFACE_DESCRIPTION, 8);
        b.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        return end(b);
    }

    static byte[] enhancedPacket(long timestampMicros, byte[] data, int capturedLength, int originalLength,
                                 List<String> notes) {
        int options = 0;
        List<byte[]> encoded = new ArrayList<>(notes.size());
        for (String note : notes) {
            byte[] text = truncated(note);
            encoded.add(text);
            options += option(text.length);
        }
        if (!encoded.isEmpty()) {
            options += 4;
        }
        ByteBuffer b = block(ENHANCED_PACKET, 20 + padded(capturedLength) + options);
        b.putInt(0).putInt((int) (timestampMicros >>> 32)).putInt((int) timestampMicros)
                .putInt(capturedLength).putInt(originalLength);
        b.put(data, 0, capturedLength);
        b.position(b.position() + padded(capturedLength) - capturedLength);
        for (byte[] text : encoded) {
            putOption(b, OPT_COMMENT, text);
        }
        if (!encoded.isEmpty()) {
            b.putShort((short) OPT_END).putShort((short) 0);
        }
        return end(b);
    }

    static byte[] decryptionSecrets(String keyLog) {
        byte[] text = keyLog.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = block(DECRYPTION_SECRETS, 8 + padded(text.length));
        b.putInt(TLS_KEY_LOG).putInt(text.length).put(text);
        b.position(b.position() + padded(text.length) - text.length);
        return end(b);
    }

    /** A block of {@code body} bytes between its type and length and its trailing length. */
    private static ByteBuffer block(int type, int body) {
        int total = 12 + body;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        return b.putInt(type).putInt(total);
    }

    private static byte[] end(ByteBuffer b) {
        b.putInt(b.capacity());
        return b.array();
    }

    private static int option(int valueLength) {
        return 4 + padded(valueLength);
    }

    private static void putOption(ByteBuffer b, int code, byte[] value) {
        b.putShort((short) code).putShort((short) value.length).put(value);
        b.position(b.position() + padded(value.length) - value.length);
    }

    private static int padded(int n) {
        return (n + 3) & ~3;
    }

    /** A comment's UTF-8, cut at a character boundary, with "…", to the bound. */
    private static byte[] truncated(String note) {
        byte[] text = note.getBytes(StandardCharsets.UTF_8);
        if (text.length <= MAX_COMMENT_BYTES) {
            return text;
        }
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < note.length(); ) {
            int cp = note.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > MAX_COMMENT_BYTES - 3) {
                break;
            }
            kept.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return kept.append('…').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String version() {
        String v = PcapngWriter.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    private void fail(String why) {
        if (problem == null) {
            problem = why;
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover copy; the capture itself is intact
        }
    }
}
