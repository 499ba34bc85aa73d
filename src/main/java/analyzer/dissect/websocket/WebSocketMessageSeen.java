package analyzer.dissect.websocket;

import analyzer.dissect.CarriesContent;
import analyzer.dissect.ContentView;
import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A WebSocket message: a text or binary message reassembled from its frames (fragments) and inflated when
 * permessage-deflate compressed it, or a control frame (close, ping, pong). The payload is shown unmasked.
 *
 * @param type        "text", "binary", "close", "ping", "pong", or "opcode 0xN" for one the protocol reserves
 * @param fragments   the frames it came in (1 unless fragmented)
 * @param masked      whether its frames were masked (every frame a client sends must be)
 * @param compressed  whether permessage-deflate compressed it (RSV1 on its first frame)
 * @param wireLength  payload bytes on the wire, all fragments together
 * @param length      payload bytes after inflating (equal to wireLength when not compressed)
 * @param preview     the first bytes of the payload as sent (unmasked, inflated), at most --max-body
 * @param text        whether the preview is shown as text (a text message, or readable control payload)
 * @param closeCode   the close frame's status code, or -1
 * @param closeReason the close frame's reason, or null
 * @param complete    false when the stream ended (or broke) before the message did
 */
public record WebSocketMessageSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, String type,
                                   int fragments, boolean masked, boolean compressed, long wireLength, long length,
                                   byte[] preview, boolean text, int closeCode, String closeReason, boolean complete)
        implements Event, CarriesContent {

    public boolean truncated() {
        return preview.length < length;
    }

    /** The payload as sent (unmasked, inflated): a secret in a masked or compressed frame is in no wire byte. */
    @Override
    public List<ContentView> contentViews() {
        byte[] bytes = closeCode >= 0 ? (closeReason == null ? "" : closeReason).getBytes(StandardCharsets.UTF_8)
                : preview;
        if (bytes.length == 0) {
            return List.of();
        }
        String decoding = masked && compressed ? "unmasked, inflated" : masked ? "unmasked"
                : compressed ? "inflated" : "";
        return List.of(new ContentView("WebSocket " + type + (closeCode >= 0 ? " reason" : " message"), decoding,
                List.of(), bytes, null, flow.insideTls()));
    }
}
