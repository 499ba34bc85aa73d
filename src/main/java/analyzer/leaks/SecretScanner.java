package analyzer.leaks;

import analyzer.flow.ConnectionListener;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Searches every reassembled byte of every stream for given secrets, before and independent of any dissection:
 * a secret in a header, a body, a protocol we do not parse, or split across segments is still found. Wraps the
 * listener factory it decorates; each connection keeps, per direction and secret, only the last
 * {@code length - 1} bytes to match across chunk boundaries.
 */
public final class SecretScanner implements ConnectionListenerFactory {

    /** Told about each occurrence: where it ended (frame 0 when the feed has no frames). */
    @FunctionalInterface
    public interface Finding {
        void found(Flow flow, Direction direction, String secret, long frame);
    }

    private final ConnectionListenerFactory next;
    private final List<String> secrets;
    private final byte[][] patterns;
    private final Finding finding;

    public SecretScanner(ConnectionListenerFactory next, List<String> secrets, Finding finding) {
        this.next = Objects.requireNonNull(next, "next");
        this.secrets = List.copyOf(secrets);
        this.finding = Objects.requireNonNull(finding, "finding");
        this.patterns = new byte[this.secrets.size()][];
        for (int i = 0; i < patterns.length; i++) {
            patterns[i] = this.secrets.get(i).getBytes(StandardCharsets.UTF_8);
            if (patterns[i].length == 0) {
                throw new IllegalArgumentException("an empty secret matches everything");
            }
        }
    }

    @Override
    public ConnectionListener open(Flow flow, long frame, long timestampMicros) {
        ConnectionListener inner = next.open(flow, frame, timestampMicros);
        return patterns.length == 0 ? inner : new Scanning(flow, inner);
    }

    /** First index of {@code pattern} in {@code data[from, to)}, or -1. */
    public static int indexOf(byte[] data, int from, int to, byte[] pattern) {
        outer:
        for (int i = from; i <= to - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private final class Scanning implements ConnectionListener {
        private final Flow flow;
        private final ConnectionListener inner;
        /** [direction][secret]: the tail of the stream so far, to match across chunks. */
        private final byte[][][] tails = new byte[2][patterns.length][];

        Scanning(Flow flow, ConnectionListener inner) {
            this.flow = flow;
            this.inner = inner;
        }

        @Override
        public void onData(Direction direction, byte[] data, int offset, int length, long frame, long ts) {
            for (int s = 0; s < patterns.length; s++) {
                scan(direction, s, data, offset, length, frame);
            }
            inner.onData(direction, data, offset, length, frame, ts);
        }

        private void scan(Direction direction, int s, byte[] data, int offset, int length, long frame) {
            byte[] pattern = patterns[s];
            byte[] tail = tails[direction.ordinal()][s];
            byte[] window;
            int start;
            if (tail == null || tail.length == 0) {
                window = data;
                start = offset;
            } else {
                window = new byte[tail.length + length];
                System.arraycopy(tail, 0, window, 0, tail.length);
                System.arraycopy(data, offset, window, tail.length, length);
                start = 0;
            }
            int end = window == data ? offset + length : window.length;
            int at = start;
            while ((at = indexOf(window, at, end, pattern)) >= 0) {
                finding.found(flow, direction, secrets.get(s), frame);
                at += pattern.length;
            }
            int keep = Math.min(pattern.length - 1, end - start);
            // Shorter than the secret, so a match found later always includes new bytes: none is reported twice.
            byte[] newTail = new byte[keep];
            System.arraycopy(window, end - keep, newTail, 0, keep);
            tails[direction.ordinal()][s] = newTail;
        }

        @Override
        public void onGap(Direction direction, long missingBytes, long frame, long ts) {
            for (int s = 0; s < patterns.length; s++) {
                tails[direction.ordinal()][s] = null;
            }
            inner.onGap(direction, missingBytes, frame, ts);
        }

        @Override
        public void onClose(CloseReason reason, long frame, long ts) {
            inner.onClose(reason, frame, ts);
        }

        @Override
        public long retainedBytes() {
            long held = 64;
            for (byte[][] direction : tails) {
                for (byte[] tail : direction) {
                    held += tail == null ? 0 : 16 + tail.length;
                }
            }
            return held + inner.retainedBytes();
        }
    }
}
