package analyzer.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Proof that a loopback capture really receives packets: a UDP datagram from a socket to itself on 127.0.0.1,
 * carrying a random token, that the capture filter lets through and the capture recognises and drops before
 * dissection. Seen once, everything sent after it will be captured ("ready"); sent again at the end and seen, every
 * packet sent before it has been read from the kernel. Nothing but our own socket receives it.
 */
public final class CaptureCanary implements AutoCloseable {

    private static final int TOKEN_LENGTH = 16;

    private final DatagramSocket socket;
    private final byte[] token = new byte[TOKEN_LENGTH];
    private final InetSocketAddress self;
    private volatile long seen;

    public CaptureCanary() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a UDP socket on 127.0.0.1", e);
        }
        self = (InetSocketAddress) socket.getLocalSocketAddress();
        new SecureRandom().nextBytes(token);
    }

    /** The capture filter that lets the canary through, to be ORed with the user's. */
    public String bpf() {
        return "udp and host 127.0.0.1 and src port " + self.getPort() + " and dst port " + self.getPort();
    }

    /** {@code userFilter} widened to let the canary through; null or empty means everything already passes. */
    public String widen(String userFilter) {
        return userFilter == null || userFilter.isBlank() ? null : "(" + userFilter + ") or (" + bpf() + ")";
    }

    /** Whether a captured frame is the canary: it ends with the token (a UDP payload is the end of its frame). */
    public boolean isCanary(byte[] frame, int capturedLength) {
        if (capturedLength < TOKEN_LENGTH || capturedLength > frame.length) {
            return false;
        }
        if (!Arrays.equals(frame, capturedLength - TOKEN_LENGTH, capturedLength, token, 0, TOKEN_LENGTH)) {
            return false;
        }
        seen++;
        return true;
    }

    /** How many canaries the capture has seen so far. */
    public long seen() {
        return seen;
    }

    public void send() {
        try {
            socket.send(new DatagramPacket(token, token.length, self));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send on 127.0.0.1", e);
        }
    }

    /**
     * Sends the canary every 20 ms until the capture has seen one more than before, at most {@code timeoutMillis}.
     *
     * @return whether it was seen
     */
    public boolean sendUntilSeen(long timeoutMillis) throws InterruptedException {
        long before = seen;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            send();
            for (int i = 0; i < 4 && seen == before; i++) {
                Thread.sleep(5);
            }
            if (seen > before) {
                return true;
            }
        }
        return seen > before;
    }

    @Override
    public void close() {
        socket.close();
    }
}
