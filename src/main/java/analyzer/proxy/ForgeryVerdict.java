package analyzer.proxy;

/** The verdict on a forged certificate, as a hook: the client accepted it, or rejected it and how that showed. */
final class ForgeryVerdict implements ProxyHook {

    private final ProxyListener listener;

    ForgeryVerdict(ProxyListener listener) {
        this.listener = listener;
    }

    @Override
    public void clientHandshake(ClientHandshake h) {
        if (h.succeeded()) {
            listener.forgeryAccepted(new ForgeryAccepted(h.flow(), h.timestampMicros(), h.host(), h.protocol(),
                    h.cipherSuite()));
        } else {
            listener.forgeryRejected(HandshakeFailures.classify(h.flow(), h.timestampMicros(), h.host(),
                    h.alertInClear(), h.clientClosed(), h.cause()));
        }
    }
}
