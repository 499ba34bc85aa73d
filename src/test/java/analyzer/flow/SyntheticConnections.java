package analyzer.flow;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an Ethernet pcap of TCP connections on IPv4, segment by segment, for tests that read captures: whole
 * conversations, connections that only ever send a SYN, streams with bytes missing. Client addresses may vary
 * (10.x.y.z) so that millions of distinct connections fit; the server is 127.0.0.1. Written directly (a pcap is a
 * header and records), so a test can make a capture of a million packets in a moment.
 */
public final class SyntheticConnections implements AutoCloseable {

    public static final byte[] SERVER = {127, 0, 0, 1};

    private final OutputStream out;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private long time = 1_700_000_000_000_000L;

    private SyntheticConnections(OutputStream out) {
        this.out = out;
    }

    public static SyntheticConnections create(Path file) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(PacketDecoder.DLT_EN10MB);
        out.write(header.array());
        return new SyntheticConnections(out);
    }

    /** A client address 10.x.y.z numbered from 0. */
    public static byte[] client(int n) {
        return new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    /** Advances the clock between segments. */
    public SyntheticConnections pause(long micros) {
        time += micros;
        return this;
    }

    /** A connection attempt that goes no further. */
    public void syn(byte[] client, int clientPort, int serverPort) {
        frame(client, SERVER, clientPort, serverPort, 1000, 0, TcpSegment.SYN, new byte[0]);
    }

    /** A connection after its three-way handshake. */
    public Connection connect(byte[] client, int clientPort, int serverPort) {
        Connection c = new Connection(client, clientPort, serverPort);
        frame(client, SERVER, clientPort, serverPort, c.clientSeq - 1, 0, TcpSegment.SYN, new byte[0]);
        frame(SERVER, client, serverPort, clientPort, c.serverSeq - 1, c.clientSeq, TcpSegment.SYN | TcpSegment.ACK,
                new byte[0]);
        frame(client, SERVER, clientPort, serverPort, c.clientSeq, c.serverSeq, TcpSegment.ACK, new byte[0]);
        return c;
    }

    private void frame(byte[] src, byte[] dst, int srcPort, int dstPort, long seq, long ack, int flags,
                       byte[] payload) {
        byte[] f = FrameBuilder.ethernet(FrameBuilder.ipv4Tcp(src, dst, srcPort, dstPort, seq, ack, flags, payload),
                false);
        time += 10;
        recordHeader.clear();
        recordHeader.putInt((int) (time / 1_000_000)).putInt((int) (time % 1_000_000)).putInt(f.length)
                .putInt(f.length);
        try {
            out.write(recordHeader.array());
            out.write(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** One connection; each side's sequence numbers advance with what it sends (or skips). */
    public final class Connection {
        private final byte[] client;
        private final int clientPort;
        private final int serverPort;
        private long clientSeq = 1001;
        private long serverSeq = 5001;

        private Connection(byte[] client, int clientPort, int serverPort) {
            this.client = client;
            this.clientPort = clientPort;
            this.serverPort = serverPort;
        }

        public Connection client(byte[] payload) {
            frame(client, SERVER, clientPort, serverPort, clientSeq, serverSeq, TcpSegment.ACK | TcpSegment.PSH,
                    payload);
            clientSeq += payload.length;
            return this;
        }

        public Connection server(byte[] payload) {
            frame(SERVER, client, serverPort, clientPort, serverSeq, clientSeq, TcpSegment.ACK | TcpSegment.PSH,
                    payload);
            serverSeq += payload.length;
            return this;
        }

        /** The client's next bytes were lost: what it sends next lies past a hole of this size. */
        public Connection clientLoses(int bytes) {
            clientSeq += bytes;
            return this;
        }

        /** Both sides send FIN. */
        public void close() {
            frame(client, SERVER, clientPort, serverPort, clientSeq, serverSeq, TcpSegment.ACK | TcpSegment.FIN,
                    new byte[0]);
            frame(SERVER, client, serverPort, clientPort, serverSeq, clientSeq + 1, TcpSegment.ACK | TcpSegment.FIN,
                    new byte[0]);
        }
    }
}
