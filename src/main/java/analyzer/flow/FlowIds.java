package analyzer.flow;

/** Numbers flows 1, 2, … in the order they are first seen, shared by TCP and UDP so "#N" names one flow. */
public final class FlowIds {

    private int next = 1;

    int next() {
        return next++;
    }

    /** Flows numbered so far. */
    public int issued() {
        return next - 1;
    }
}
