package analyzer.dissect;

import java.util.ArrayDeque;

/**
 * Requests of one connection still waiting for their response, oldest first. HTTP/1.x answers in order, so
 * pairing is first in, first out; the response decoder also needs the method (a response to HEAD has no body).
 */
final class PendingRequests {

    record Request(String method, String uri, long timestampMicros) {
    }

    /** Stands for a request that could not be parsed, or a response whose request was not seen. */
    static final Request UNKNOWN = new Request(null, null, -1);

    /** A client pipelining without end against a silent server must not grow memory without bound. */
    private static final int MAX_PENDING = 1024;

    private final ArrayDeque<Request> queue = new ArrayDeque<>();

    void add(Request request) {
        if (queue.size() == MAX_PENDING) {
            queue.pollFirst();
        }
        queue.addLast(request);
    }

    Request peek() {
        return queue.peekFirst();
    }

    Request poll() {
        return queue.pollFirst();
    }

    /** After bytes went missing the order is lost; later responses stay unpaired rather than paired wrongly. */
    void clear() {
        queue.clear();
    }
}
