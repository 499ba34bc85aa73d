package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * Whether a TLS connection could be opened with the keys given (key logs, secrets in the capture, server keys),
 * said once per connection when its first protected record arrives, and again if a later step fails.
 *
 * @param detail what a person needs next: the version and suite it was opened with, or why it was not
 */
public record TlsDecryptionSeen(Flow flow, Direction direction, long timestampMicros, Frames frames,
                                Outcome outcome, String detail) implements Event {

    public enum Outcome {
        /** Opened: everything inside is dissected as plaintext is. */
        DECRYPTED("decrypted"),
        /** The key logs have nothing for this connection's client random. */
        NO_KEY("no_key"),
        /** A secret was there but the records do not open with it. */
        WRONG_KEY("wrong_key"),
        /** A cipher suite or version we do not decrypt ("3DES: not decrypted"). */
        UNSUPPORTED("unsupported"),
        /** (EC)DHE: a server key alone cannot open it. */
        FORWARD_SECRECY("forward_secrecy"),
        /** The --server-key given is not the key of the certificate this server presented. */
        KEY_MISMATCH("key_mismatch");

        private final String jsonName;

        Outcome(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }
}
