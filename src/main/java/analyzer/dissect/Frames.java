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

    /** Collects frame numbers as bytes arrive; ignores a frame equal to the last one added. */
    public static final class Builder {
        private long[] buf = new long[4];
        private int size;

        public Builder add(long frame) {
            if (frame <= 0 || (size > 0 && buf[size - 1] == frame)) {
                return this;
            }
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, size * 2);
            }
            buf[size++] = frame;
            return this;
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
