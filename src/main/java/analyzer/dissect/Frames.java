package analyzer.dissect;

import java.util.Arrays;

/**
 * The capture frames whose bytes made up one message or record, in order, without repeats. Immutable.
 * Bytes relayed by the proxy have no frames ({@link #NONE}).
 */
public final class Frames {

    public static final Frames NONE = new Frames(new long[0]);

    private final long[] numbers;

    private Frames(long[] numbers) {
        this.numbers = numbers;
    }

    public static Frames of(long... numbers) {
        return numbers.length == 0 ? NONE : new Frames(numbers.clone());
    }

    public boolean isEmpty() {
        return numbers.length == 0;
    }

    public int size() {
        return numbers.length;
    }

    public long get(int index) {
        return numbers[index];
    }

    public long first() {
        return numbers.length == 0 ? 0 : numbers[0];
    }

    public long last() {
        return numbers.length == 0 ? 0 : numbers[numbers.length - 1];
    }

    public long[] toArray() {
        return numbers.clone();
    }

    /** "6, 8" */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < numbers.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(numbers[i]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frames f && Arrays.equals(numbers, f.numbers);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(numbers);
    }

    /**
     * Collects frame numbers as bytes arrive; ignores a frame equal to the last one added. A message spread over
     * more than {@link #MAX} frames (a long download) keeps the first MAX - 1 and the last one.
     */
    public static final class Builder {
        public static final int MAX = 1024;

        private long[] buf = new long[4];
        private int size;

        public Builder add(long frame) {
            if (frame <= 0 || (size > 0 && buf[size - 1] == frame)) {
                return this;
            }
            if (size == MAX) {
                buf[MAX - 1] = frame;
                return this;
            }
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(MAX, size * 2));
            }
            buf[size++] = frame;
            return this;
        }

        /** Heap this builder takes. */
        public long footprint() {
            return 32 + 8L * buf.length;
        }

        public boolean isEmpty() {
            return size == 0;
        }

        public Frames build() {
            return size == 0 ? NONE : new Frames(Arrays.copyOf(buf, size));
        }

        public void clear() {
            size = 0;
        }
    }
}
