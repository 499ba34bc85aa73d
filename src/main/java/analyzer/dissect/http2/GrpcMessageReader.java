package analyzer.dissect.http2;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a gRPC body into its length-prefixed messages as DATA arrives: a compressed flag (1 byte) and a length
 * (4 bytes, big-endian), then the message. Keeps the first bytes of the first messages; a message may claim up to
 * 4 GiB, and is counted, never held.
 */
final class GrpcMessageReader {

    static final int MAX_LISTED = 16;

    private final int previewBytes;
    private final List<GrpcMessages.Message> listed = new ArrayList<>();
    private long count;

    private final byte[] prefix = new byte[5];
    private int prefixFill;
    private boolean compressed;
    private long length;
    private long remaining;
    private byte[] preview;
    private int previewFill;

    GrpcMessageReader(int previewBytes) {
        this.previewBytes = previewBytes;
    }

    /** Roughly the heap this reader holds: the first bytes of each listed message and of the one being read. */
    long footprint() {
        return 96 + listed.size() * (64L + previewBytes) + (preview != null ? preview.length : 0);
    }

    void read(ByteBuf data) {
        while (data.isReadable()) {
            if (prefixFill < prefix.length) {
                int n = Math.min(prefix.length - prefixFill, data.readableBytes());
                data.readBytes(prefix, prefixFill, n);
                prefixFill += n;
                if (prefixFill < prefix.length) {
                    return;
                }
                compressed = (prefix[0] & 1) != 0;
                length = ((prefix[1] & 0xffL) << 24) | ((prefix[2] & 0xff) << 16) | ((prefix[3] & 0xff) << 8)
                        | (prefix[4] & 0xff);
                remaining = length;
                count++;
                preview = listed.size() < MAX_LISTED ? new byte[(int) Math.min(length, previewBytes)] : null;
                previewFill = 0;
            }
            int n = (int) Math.min(remaining, data.readableBytes());
            if (preview != null && previewFill < preview.length) {
                int keep = Math.min(n, preview.length - previewFill);
                data.getBytes(data.readerIndex(), preview, previewFill, keep);
                previewFill += keep;
            }
            data.skipBytes(n);
            remaining -= n;
            if (remaining == 0) {
                finishMessage(true);
            }
        }
    }

    private void finishMessage(boolean complete) {
        if (preview != null) {
            listed.add(new GrpcMessages.Message(compressed, length, Arrays.copyOf(preview, previewFill), complete));
        }
        preview = null;
        prefixFill = 0;
    }

    /** The messages read; a message (or prefix) still in progress is listed as incomplete. */
    GrpcMessages result(String service, String method, int status, String statusMessage) {
        if (prefixFill == prefix.length) {
            finishMessage(false);
        }
        return new GrpcMessages(service, method, List.copyOf(listed), count, status, statusMessage);
    }
}
