package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.List;

/**
 * One TLS record. {@code handshakes} lists the handshake messages that completed within this record (a message
 * split over several records is reported with the record that completes it); {@code alert} is set for alert
 * records that could be read; {@code encrypted} is true when the payload is ciphertext (application data, and
 * anything after ChangeCipherSpec) that was not decrypted. A record opened with keys has {@code decrypted} set,
 * its real content type (TLS 1.3 hides it inside) and what it held; {@code length} stays its length on the wire.
 */
public record TlsRecordSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                            int contentType, int version, int length, List<TlsHandshake> handshakes,
                            TlsAlert alert, boolean encrypted, boolean decrypted) implements Event {

    public static final int CHANGE_CIPHER_SPEC = 20;
    public static final int ALERT = 21;
    public static final int HANDSHAKE = 22;
    public static final int APPLICATION_DATA = 23;
    public static final int HEARTBEAT = 24;

    public TlsRecordSeen(Flow flow, Direction direction, long timestampMicros, Frames frames, int contentType,
                         int version, int length, List<TlsHandshake> handshakes, TlsAlert alert, boolean encrypted) {
        this(flow, direction, timestampMicros, frames, contentType, version, length, handshakes, alert, encrypted,
                false);
    }
}
