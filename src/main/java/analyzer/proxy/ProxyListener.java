package analyzer.proxy;

import analyzer.dissect.Event;

/**
 * What the proxy tells about the traffic it relays. Called on the proxy's I/O threads: calls for one client
 * connection come in order from one thread, calls for different connections may come concurrently. Keep
 * implementations quick and thread-safe; an exception thrown here closes that connection.
 */
public interface ProxyListener {

    /**
     * The dissector's reading of the bytes the proxy relayed (plaintext over HTTP and intercepted TLS; TLS
     * records in passthrough), marked as seen by the proxy (no frame numbers). Requests and responses are as
     * the proxy received them, before any rewrite.
     */
    default void seen(Event event) {
    }

    /** A rewrite the proxy made before passing a message on. */
    default void tampered(Tampering tampering) {
    }

    /** A message the rules applied to, relayed unmodified (too large, or an encoding the proxy cannot decode). */
    default void tamperSkipped(TamperSkipped skipped) {
    }

    /** A client accepted the forged certificate (intercept mode). */
    default void forgeryAccepted(ForgeryAccepted accepted) {
    }

    /** A client rejected the forged certificate, or its TLS handshake with the proxy failed (intercept mode). */
    default void forgeryRejected(ForgeryRejected rejected) {
    }

    /** The upstream could not be reached or failed for one connection; the proxy goes on serving the others. */
    default void upstreamFailed(UpstreamFailure failure) {
    }

    /** Called when output that was buffered should reach its reader (the proxy is closing). */
    default void flush() {
    }

    /** Forwards every call to each listener in turn. */
    static ProxyListener both(ProxyListener a, ProxyListener b) {
        return new ProxyListener() {
            @Override
            public void seen(Event event) {
                a.seen(event);
                b.seen(event);
            }

            @Override
            public void tampered(Tampering t) {
                a.tampered(t);
                b.tampered(t);
            }

            @Override
            public void tamperSkipped(TamperSkipped s) {
                a.tamperSkipped(s);
                b.tamperSkipped(s);
            }

            @Override
            public void forgeryAccepted(ForgeryAccepted f) {
                a.forgeryAccepted(f);
                b.forgeryAccepted(f);
            }

            @Override
            public void forgeryRejected(ForgeryRejected f) {
                a.forgeryRejected(f);
                b.forgeryRejected(f);
            }

            @Override
            public void upstreamFailed(UpstreamFailure f) {
                a.upstreamFailed(f);
                b.upstreamFailed(f);
            }

            @Override
            public void flush() {
                a.flush();
                b.flush();
            }
        };
    }
}
