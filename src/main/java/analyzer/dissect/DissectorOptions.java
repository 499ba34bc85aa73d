package analyzer.dissect;

/**
 * Limits of what the dissector keeps for display.
 *
 * @param maxBody       decoded body bytes kept in {@link HttpBody#shown()} (--max-body); the full length is still counted
 * @param maxRawPreview bytes kept in {@link RawDataSeen#preview()}
 */
public record DissectorOptions(int maxBody, int maxRawPreview) {

    public DissectorOptions {
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must not be negative: " + maxBody);
        }
        if (maxRawPreview < 0) {
            throw new IllegalArgumentException("maxRawPreview must not be negative: " + maxRawPreview);
        }
    }

    public static DissectorOptions defaults() {
        return new DissectorOptions(4096, 256);
    }
}
