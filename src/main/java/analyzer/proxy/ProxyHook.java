package analyzer.proxy;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMessage;

/**
 * An attack on proxied connections: what an attacker in the middle can look at and change, at the points where a
 * connection offers it. Eavesdropping ({@link Eavesdropping}), rewriting by rules ({@link RuleTampering}) and the
 * verdict on a forged certificate ({@link ForgeryVerdict}) are hooks; a new attack is one more. One hook serves one
 * connection (see {@link Factory}) and is called on that connection's I/O thread, in order, never concurrently.
 * A hook must not keep a buffer it is shown beyond the call.
 */
public interface ProxyHook {

    /** Makes the hook of each new connection. */
    interface Factory {
        ProxyHook open(Flow flow);
    }

    /**
     * Bytes as they crossed the proxy in one direction: below any HTTP codec, the plaintext when the proxy
     * intercepts TLS, records when it passes TLS through; also the answers the proxy writes itself (400, 502, a
     * CONNECT's 200).
     */
    default void bytes(Direction direction, ByteBuf bytes) {
    }

    /**
     * An HTTP message head about to be relayed (interim responses are not shown). The hook may change its headers.
     *
     * @param exchange the request line the message belongs to ("GET /"), or null when unknown
     * @return true to be shown the whole body before it goes on ({@link #body})
     */
    default boolean head(Direction direction, HttpMessage head, String exchange) {
        return false;
    }

    /**
     * The whole body of a message whose head asked for it, as it travelled (still content-encoded), at most the
     * configured rewrite limit.
     *
     * @return the body to relay: {@code body} itself when unchanged; a new body has had its head's framing set
     */
    default byte[] body(Direction direction, HttpMessage head, String exchange, byte[] body) {
        return body;
    }

    /** A body asked for was larger than {@code limit} bytes: it went on unmodified. */
    default void bodyTooLarge(Direction direction, String exchange, int limit) {
    }

    /** Intercept mode: how the client's TLS handshake with the forged certificate ended. */
    default void clientHandshake(ClientHandshake handshake) {
    }

    /** The connection ended. */
    default void closed() {
    }
}
