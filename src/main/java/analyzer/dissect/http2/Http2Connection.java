package analyzer.dissect.http2;

import analyzer.dissect.HttpUpgrade;
import analyzer.flow.Direction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the two directions of an HTTP/2 connection share, kept in its {@code ConnectionContext}: the request heads
 * by stream, so responses pair with their requests, and each direction's dissector, so a frame seen one way can
 * change how the other is read (SETTINGS_MAX_FRAME_SIZE, RST_STREAM).
 */
final class Http2Connection {

    record RequestHead(String method, String path, long timestampMicros) {
    }

    /** Requests whose response has not started; a client opening streams without end is bounded. */
    private static final int MAX_REMEMBERED = 1024;

    private final Map<Integer, RequestHead> requests = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, RequestHead> eldest) {
            if (size() > MAX_REMEMBERED) {
                requestsHeld -= footprint(eldest.getValue());
                return true;
            }
            return false;
        }
    };
    /** Heap of the request heads remembered. */
    private long requestsHeld;
    private final Http2StreamDissector[] dissectors = new Http2StreamDissector[2];
    /** SETTINGS_MAX_FRAME_SIZE of the receiver of each direction, once announced (0 until then). */
    private final int[] receiverMaxFrameSize = new int[2];

    /** After an h2c upgrade, stream 1 carries the response to the HTTP/1.1 request that asked for it. */
    void upgradedFrom(HttpUpgrade upgrade) {
        if (upgrade != null && upgrade.requestMethod() != null) {
            request(1, new RequestHead(upgrade.requestMethod(), upgrade.requestUri(),
                    upgrade.requestTimestampMicros()));
        }
    }

    void request(int streamId, RequestHead head) {
        requestsHeld += footprint(head);
        RequestHead replaced = requests.put(streamId, head);
        if (replaced != null) {
            requestsHeld -= footprint(replaced);
        }
    }

    /** The request a response on this stream answers, or null; forgotten once taken. */
    RequestHead answered(int streamId) {
        RequestHead head = requests.remove(streamId);
        if (head != null) {
            requestsHeld -= footprint(head);
        }
        return head;
    }

    /** Roughly the heap of what both directions share: the request heads waiting for their responses. */
    long footprint() {
        return 200 + requestsHeld;
    }

    /** The head, its map entry and its strings (one byte a character for Latin-1). */
    private static long footprint(RequestHead head) {
        return 160 + (head.path() != null ? head.path().length() : 0);
    }

    void register(Direction direction, Http2StreamDissector dissector) {
        dissectors[direction.ordinal()] = dissector;
        if (receiverMaxFrameSize[direction.ordinal()] > 0) {
            dissector.receiverMaxFrameSize(receiverMaxFrameSize[direction.ordinal()]);
        }
    }

    /**
     * The side that receives {@code direction} announced the largest frame it accepts: frames that way may be that
     * large from now on (the announcement may come before that direction's first byte).
     */
    void receiverMaxFrameSize(Direction direction, int size) {
        receiverMaxFrameSize[direction.ordinal()] = size;
        Http2StreamDissector d = dissectors[direction.ordinal()];
        if (d != null) {
            d.receiverMaxFrameSize(size);
        }
    }

    /** The dissector reading the given direction, or null if that direction is not (or no longer) HTTP/2. */
    Http2StreamDissector dissector(Direction direction) {
        return dissectors[direction.ordinal()];
    }

    void unregister(Direction direction, Http2StreamDissector dissector) {
        if (dissectors[direction.ordinal()] == dissector) {
            dissectors[direction.ordinal()] = null;
        }
    }
}
