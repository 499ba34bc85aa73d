package analyzer.dissect;

import analyzer.dissect.tls.KeyMaterial;
import java.util.Objects;

/**
 * Limits of what the dissector keeps for display, the keys it may open TLS with, and how much it reports.
 *
 * @param maxBody       decoded body bytes kept in {@link HttpBody#shown()} (--max-body); the full length is still counted
 * @param maxRawPreview bytes kept in {@link RawDataSeen#preview()}
 * @param tlsKeys       key logs, embedded secrets and server keys; {@link KeyMaterial#none()} leaves TLS as records
 * @param controlFrames also report a protocol's control frames (HTTP/2 SETTINGS, PING, GOAWAY, …): --layers
 */
public record DissectorOptions(int maxBody, int maxRawPreview, KeyMaterial tlsKeys, boolean controlFrames) {

    public DissectorOptions {
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must not be negative: " + maxBody);
        }
        if (maxRawPreview < 0) {
            throw new IllegalArgumentException("maxRawPreview must not be negative: " + maxRawPreview);
        }
        Objects.requireNonNull(tlsKeys, "tlsKeys");
    }

    public DissectorOptions(int maxBody, int maxRawPreview) {
        this(maxBody, maxRawPreview, KeyMaterial.none());
    }

    public DissectorOptions(int maxBody, int maxRawPreview, KeyMaterial tlsKeys) {
        this(maxBody, maxRawPreview, tlsKeys, false);
    }

    public static DissectorOptions defaults() {
        return new DissectorOptions(4096, 256);
    }

    public DissectorOptions withTlsKeys(KeyMaterial keys) {
        return new DissectorOptions(maxBody, maxRawPreview, keys, controlFrames);
    }

    public DissectorOptions withControlFrames(boolean on) {
        return new DissectorOptions(maxBody, maxRawPreview, tlsKeys, on);
    }
}
