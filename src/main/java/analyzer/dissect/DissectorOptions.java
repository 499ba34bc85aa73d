package analyzer.dissect;

import analyzer.dissect.tls.KeyMaterial;
import java.util.Objects;

/**
 * Limits of what the dissector keeps for display, and the keys it may open TLS with.
 *
 * @param maxBody       decoded body bytes kept in {@link HttpBody#shown()} (--max-body); the full length is still counted
 * @param maxRawPreview bytes kept in {@link RawDataSeen#preview()}
 * @param tlsKeys       key logs, embedded secrets and server keys; {@link KeyMaterial#none()} leaves TLS as records
 */
public record DissectorOptions(int maxBody, int maxRawPreview, KeyMaterial tlsKeys) {

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

    public static DissectorOptions defaults() {
        return new DissectorOptions(4096, 256);
    }

    public DissectorOptions withTlsKeys(KeyMaterial keys) {
        return new DissectorOptions(maxBody, maxRawPreview, keys);
    }
}
