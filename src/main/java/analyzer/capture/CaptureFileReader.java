package analyzer.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads pcap and pcapng files in plain Java. Reading a file through libpcap costs a native callback, a JNA copy
 * and a timestamp object per packet, which capped `read` at about 0.65M packets/s; this reader streams the file
 * through one buffer and hands each frame over without allocating.
 *
 * <p>pcap: both byte orders, microsecond and nanosecond magic. pcapng: section header, interface description
 * (link type, if_tsresol), enhanced, simple and obsolete packet blocks, and Decryption Secrets Blocks holding a TLS
 * key log (what {@code editcap --inject-secrets tls,KEYS} writes); other blocks are skipped. All interfaces
 * that carry packets must share one link type.
 */
final class CaptureFileReader implements AutoCloseable {

    private static final int PCAP_MICRO = 0xa1b2c3d4;
    private static final int PCAP_NANO = 0xa1b23c4d;
    private static final int PCAPNG_SHB = 0x0a0d0d0a;
    private static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    /** Direct: a heap buffer would make the channel copy every byte twice (into a temporary direct one first). */
    private ByteBuffer buf = ByteBuffer.allocateDirect(4 * 1024 * 1024);
    private final boolean pcapng;
    private int linkType = -1;
    private long timeUnitsPerSecond = 1_000_000;
    /** pcapng: per interface id, its link type and timestamp resolution. */
    private int[] interfaceLinkTypes = new int[0];
    private long[] interfaceUnits = new long[0];
    private byte[] frame = new byte[65536];
    private long packets;
    /** Where TLS key logs found in Decryption Secrets Blocks go; held until it is set. */
    private java.util.function.Consumer<String> secrets;
    private final java.util.List<String> secretsFound = new java.util.ArrayList<>();
    private static final int DECRYPTION_SECRETS_BLOCK = 0x0000000a;
    private static final int SECRETS_TLS_KEY_LOG = 0x544c534b;

    CaptureFileReader(Path file) throws IOException, CaptureException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        buf.flip();
        if (!fill(4)) {
            close();
            throw new CaptureException("cannot read " + file + ": not a pcap or pcapng file (it is empty or too short)");
        }
        int magic = buf.order(ByteOrder.BIG_ENDIAN).getInt(buf.position());
        if (magic == PCAPNG_SHB) {
            pcapng = true;
            readPcapngHeaderBlocks();
        } else {
            pcapng = false;
            readPcapHeader(magic);
        }
    }

    int linkType() {
        return linkType;
    }

    /**
     * Receives the text of each TLS key log embedded in the file, in file order; those met while the header
     * blocks were read are handed over now.
     */
    void onSecrets(java.util.function.Consumer<String> sink) {
        this.secrets = sink;
        secretsFound.forEach(sink);
        secretsFound.clear();
    }

    long packets() {
        return packets;
    }

    private void readPcapHeader(int magicBigEndian) throws IOException, CaptureException {
        ByteOrder order;
        if (magicBigEndian == PCAP_MICRO || magicBigEndian == PCAP_NANO) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (Integer.reverseBytes(magicBigEndian) == PCAP_MICRO
                || Integer.reverseBytes(magicBigEndian) == PCAP_NANO) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else {
            close();
            throw new CaptureException("cannot read " + file + ": not a pcap or pcapng file (unknown file format)");
        }
        buf.order(order);
        if (!fill(24)) {
            close();
            throw new CaptureException("cannot read " + file + ": truncated pcap file header");
        }
        int magic = buf.getInt();
        timeUnitsPerSecond = magic == PCAP_NANO ? 1_000_000_000L : 1_000_000L;
        buf.position(buf.position() + 16);
        linkType = buf.getInt() & 0x0fffffff; // the top bits may carry the FCS length
    }

    /** Reads blocks up to the first packet, so the link type is known before run(). */
    private void readPcapngHeaderBlocks() throws IOException, CaptureException {
        // run() continues from wherever this stops; a packet block seen here is left in the buffer.
        while (linkType < 0) {
            if (!fill(12)) {
                if (interfaceLinkTypes.length > 0) {
                    linkType = interfaceLinkTypes[0];
                    return;
                }
                close();
                throw new CaptureException("cannot read " + file + ": pcapng file without an interface description");
            }
            int type = peekBlockType();
            if (type == 2 || type == 3 || type == 6) {
                if (interfaceLinkTypes.length == 0) {
                    close();
                    throw new CaptureException("cannot read " + file + ": packet before any interface description");
                }
                linkType = interfaceLinkTypes[0];
                return;
            }
            readNonPacketBlock();
        }
    }

    private int peekBlockType() {
        return buf.getInt(buf.position());
    }

    /** Section headers set the byte order; interface descriptions are remembered; anything else is skipped. */
    private void readNonPacketBlock() throws IOException, CaptureException {
        int type = buf.getInt(buf.position()); // the section header's type reads the same in both byte orders
        if (type == PCAPNG_SHB) {
            if (!fill(12)) {
                throw truncated("section header");
            }
            int bom = buf.order(ByteOrder.BIG_ENDIAN).getInt(buf.position() + 8);
            if (bom == PCAPNG_BYTE_ORDER_MAGIC) {
                buf.order(ByteOrder.BIG_ENDIAN);
            } else if (Integer.reverseBytes(bom) == PCAPNG_BYTE_ORDER_MAGIC) {
                buf.order(ByteOrder.LITTLE_ENDIAN);
            } else {
                throw new CaptureException(file + " is damaged after " + packets + " packets: bad pcapng byte-order magic");
            }
            interfaceLinkTypes = new int[0];
            interfaceUnits = new long[0];
        }
        int length = checkBlockLength(buf.getInt(buf.position() + 4));
        if (!fill(length)) {
            throw truncated("block");
        }
        int start = buf.position();
        if (type == 1) {
            int lt = buf.getShort(start + 8) & 0xffff;
            long units = 1_000_000;
            int opt = start + 16;
            int end = start + length - 4;
            while (opt + 4 <= end) {
                int code = buf.getShort(opt) & 0xffff;
                int optLen = buf.getShort(opt + 2) & 0xffff;
                if (code == 0) {
                    break;
                }
                if (code == 9 && optLen >= 1) {
                    int r = buf.get(opt + 4) & 0xff;
                    units = (r & 0x80) != 0 ? 1L << Math.min(62, r & 0x7f) : pow10(r & 0x7f);
                }
                opt += 4 + ((optLen + 3) & ~3);
            }
            int n = interfaceLinkTypes.length;
            interfaceLinkTypes = java.util.Arrays.copyOf(interfaceLinkTypes, n + 1);
            interfaceUnits = java.util.Arrays.copyOf(interfaceUnits, n + 1);
            interfaceLinkTypes[n] = lt;
            interfaceUnits[n] = units;
        } else if (type == DECRYPTION_SECRETS_BLOCK && length >= 20) {
            int secretsType = buf.getInt(start + 8);
            int secretsLength = buf.getInt(start + 12);
            if (secretsType == SECRETS_TLS_KEY_LOG && secretsLength >= 0 && secretsLength <= length - 20) {
                byte[] text = new byte[secretsLength];
                buf.get(start + 16, text, 0, secretsLength);
                String keyLog = new String(text, java.nio.charset.StandardCharsets.US_ASCII);
                if (secrets != null) {
                    secrets.accept(keyLog);
                } else {
                    secretsFound.add(keyLog);
                }
            }
        }
        buf.position(start + length);
    }

    private static long pow10(int exponent) {
        long v = 1;
        for (int i = 0; i < Math.min(exponent, 18); i++) {
            v *= 10;
        }
        return v;
    }

    /** The block length field, read as the unsigned number it is; returns it when plausible. */
    private int checkBlockLength(int field) throws CaptureException {
        long length = field & 0xffffffffL;
        if (length < 12 || length > MAX_FRAME + 64 || (length & 3) != 0) {
            throw new CaptureException(file + " is damaged after " + packets + " packets: impossible block length "
                    + length);
        }
        return (int) length;
    }

    /** Delivers every frame; damage ends the run with a CaptureException after the frames before it. */
    void run(PacketHandler handler) throws IOException, CaptureException {
        if (pcapng) {
            runPcapng(handler);
        } else {
            runPcap(handler);
        }
    }

    private void runPcap(PacketHandler handler) throws IOException, CaptureException {
        while (true) {
            if (!fill(16)) {
                if (buf.remaining() > 0) {
                    throw truncated("packet header");
                }
                return;
            }
            int p = buf.position();
            long sec = buf.getInt(p) & 0xffffffffL;
            long frac = buf.getInt(p + 4) & 0xffffffffL;
            long caplen = buf.getInt(p + 8) & 0xffffffffL;
            int origlen = buf.getInt(p + 12);
            if (caplen > MAX_FRAME) {
                throw new CaptureException(file + " is damaged after " + packets + " packets: impossible packet length "
                        + caplen);
            }
            int length = (int) caplen;
            if (!fill(16 + length)) {
                throw truncated("packet");
            }
            deliver(handler, buf.position() + 16, length, origlen, sec * 1_000_000L + scale(frac, timeUnitsPerSecond));
            buf.position(buf.position() + 16 + length);
        }
    }

    private void runPcapng(PacketHandler handler) throws IOException, CaptureException {
        while (true) {
            if (!fill(12)) {
                if (buf.remaining() > 0) {
                    throw truncated("block header");
                }
                return;
            }
            int type = buf.getInt(buf.position());
            if (type != 6 && type != 3 && type != 2) {
                readNonPacketBlock();
                continue;
            }
            int length = checkBlockLength(buf.getInt(buf.position() + 4));
            if (!fill(length)) {
                throw truncated("packet block");
            }
            int b = buf.position();
            if (type == 3) {
                int origlen = buf.getInt(b + 8);
                int caplen = (int) Math.min(origlen & 0xffffffffL, length - 16);
                checkInterface(0);
                deliver(handler, b + 12, caplen, origlen, 0);
            } else {
                int iface = type == 6 ? buf.getInt(b + 8) : buf.getShort(b + 8) & 0xffff;
                checkInterface(iface);
                long ts = ((buf.getInt(b + 12) & 0xffffffffL) << 32) | (buf.getInt(b + 16) & 0xffffffffL);
                int caplen = buf.getInt(b + 20);
                int origlen = buf.getInt(b + 24);
                if (caplen < 0 || caplen > length - 32) {
                    throw new CaptureException(file + " is damaged after " + packets
                            + " packets: packet longer than its block");
                }
                long units = interfaceUnits[iface];
                long micros = (ts / units) * 1_000_000L + scale(ts % units, units);
                deliver(handler, b + 28, caplen, origlen, micros);
            }
            buf.position(b + length);
        }
    }

    private void checkInterface(int iface) throws CaptureException {
        if (iface < 0 || iface >= interfaceLinkTypes.length) {
            throw new CaptureException(file + " is damaged after " + packets + " packets: packet on undeclared interface "
                    + iface);
        }
        if (interfaceLinkTypes[iface] != linkType) {
            throw new CaptureException(file + " mixes link types " + linkType + " and " + interfaceLinkTypes[iface]
                    + " after " + packets + " packets; analyzer reads one link type per file",
                    "Split it by interface first, e.g. tshark -r FILE -w OUT -Y 'frame.interface_id == 0'", null);
        }
    }

    private static long scale(long fraction, long unitsPerSecond) {
        if (unitsPerSecond == 1_000_000L) {
            return fraction;
        }
        return unitsPerSecond > 1_000_000L ? fraction / (unitsPerSecond / 1_000_000L)
                : fraction * (1_000_000L / unitsPerSecond);
    }

    private void deliver(PacketHandler handler, int offset, int caplen, int origlen, long micros) {
        if (frame.length < caplen) {
            frame = new byte[Math.max(caplen, frame.length * 2)];
        }
        buf.get(offset, frame, 0, caplen);
        packets++;
        handler.onPacket(packets, micros, frame, caplen, Math.max(origlen, caplen));
    }

    private CaptureException truncated(String what) {
        return new CaptureException(file + " is damaged after " + packets + " packets: truncated " + what
                + " (the file ends early; the capture was probably cut off while being written)");
    }

    /** Makes at least n bytes available from the current position; false at the end of the file. */
    private boolean fill(int n) throws IOException {
        if (buf.remaining() >= n) {
            return true;
        }
        if (buf.capacity() < n) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(n, buf.capacity() * 2)).order(buf.order());
            bigger.put(buf);
            bigger.flip();
            buf = bigger;
        }
        buf.compact();
        try {
            while (buf.position() < n) {
                if (channel.read(buf) < 0) {
                    break;
                }
            }
        } finally {
            buf.flip();
        }
        return buf.remaining() >= n;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

}
