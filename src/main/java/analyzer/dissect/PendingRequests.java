package analyzer.dissect;

import java.util.ArrayDeque;

/**
 * Requests of one connection still waiting for their response, oldest first. HTTP/1.x answers in order, so
 * pairing is first in, first out; the response decoder also needs the method (a response to HEAD has no body).
 */
final class PendingRequests implements ConnectionContext.CountedState {

    record Request(String method, String uri, long timestampMicros) {
    }

    /** Stands for a request that could not be parsed, or a response whose request was not seen. */
    static final Request UNKNOWN = new Request(null, null, -1);

    /** A client pipelining without end against a silent server must not grow memory without bound. */
    private static final int MAX_PENDING = 1024;

    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    /** What the queued requests hold: the records and their method and target strings. */
    private long requestBytes;
    /** The most the deque held at once: its array does not shrink. */
    private int mostQueued;

    void add(Request request) {
        if (queue.size() == MAX_PENDING) {
            requestBytes -= footprint(queue.pollFirst());
        }
        queue.addLast(request);
        requestBytes += footprint(request);
        mostQueued = Math.max(mostQueued, queue.size());
    }

    Request peek() {
        return queue.peekFirst();
    }

    Request poll() {
        Request r = queue.pollFirst();
        if (r != null) {
            requestBytes -= footprint(r);
        }
        return r;
    }

    /** After bytes went missing the order is lost; later responses stay unpaired rather than paired wrongly. */
    void clear() {
        queue.clear();
        requestBytes = 0;
    }

    /** This object, the deque and its array (16 slots at first, doubling), and the requests queued. */
    @Override
    public long retainedBytes() {
        return 64 + 8L * Math.max(16, Integer.highestOneBit(Math.max(1, mostQueued)) * 2) + requestBytes;
    }

    /** The record and its two strings (one byte a character, plus each string's header and array). */
    private static long footprint(Request r) {
        return 32 + (r.method() == null ? 0 : 48 + r.method().length()) + (r.uri() == null ? 0 : 48 + r.uri().length());
    }
}
