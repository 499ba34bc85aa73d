package analyzer.proxy;

import analyzer.dissect.TlsAlert;
import analyzer.dissect.TlsNames;
import analyzer.flow.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says why a client's handshake with a forged certificate failed, from the best evidence at hand: the alert the
 * client sent in clear (TLS 1.2), else the alert as the proxy's TLS engine decrypted it (TLS 1.3 encrypts it under
 * the handshake keys), else whether the client simply hung up. The engine's exception text is kept as a detail
 * only: on its own it can blame the wrong party.
 */
final class HandshakeFailures {

    private static final Pattern RECEIVED_ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");
    /** The same from BoringSSL, when the proxy writes a key log and so runs Netty's OpenSSL engine. */
    private static final Pattern BORINGSSL_ALERT = Pattern.compile("(?:SSLV3|TLSV1)_ALERT_([A-Z_]+)");

    private HandshakeFailures() {
    }

    static ForgeryRejected classify(Flow flow, long timestampMicros, String host, TlsAlert alertInClear,
                                    boolean clientClosed, Throwable cause) {
        String detail = detail(cause);
        if (alertInClear != null && alertInClear.level() == 2) {
            return new ForgeryRejected(flow, timestampMicros, host, ForgeryRejected.Evidence.ALERT_IN_CLEAR,
                    TlsNames.alertDescription(alertInClear.description()), detail);
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            Matcher m = RECEIVED_ALERT.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return new ForgeryRejected(flow, timestampMicros, host, ForgeryRejected.Evidence.ALERT_DECRYPTED,
                        m.group(1), detail);
            }
            Matcher boring = BORINGSSL_ALERT.matcher(String.valueOf(t.getMessage()));
            if (boring.find()) {
                return new ForgeryRejected(flow, timestampMicros, host, ForgeryRejected.Evidence.ALERT_DECRYPTED,
                        boring.group(1).toLowerCase(java.util.Locale.ROOT), detail);
            }
        }
        if (clientClosed) {
            return new ForgeryRejected(flow, timestampMicros, host, ForgeryRejected.Evidence.CLOSED, null, detail);
        }
        return new ForgeryRejected(flow, timestampMicros, host, ForgeryRejected.Evidence.OTHER, null, detail);
    }

    private static String detail(Throwable cause) {
        if (cause == null) {
            return null;
        }
        Throwable t = cause;
        while (t.getCause() != null && t.getMessage() != null && t.getMessage().startsWith(t.getCause().getClass().getName())) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
