package analyzer.web;

import analyzer.dissect.Event;
import analyzer.proxy.ForgeryAccepted;
import analyzer.proxy.ForgeryRejected;
import analyzer.proxy.TamperSkipped;
import analyzer.proxy.Tampering;
import analyzer.proxy.UpstreamFailure;
import analyzer.report.JsonPrinter;
import analyzer.report.ProxyJsonPrinter;
import analyzer.report.Utf8Output;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * One JSON object per event or proxy report, exactly as {@code --format json} prints it: the page reads the same
 * stable field names as scripts do, so a protocol the JSON printer learns shows up on the page too. Not
 * thread-safe: one per feed, used under the feed's lock.
 */
final class EventJson {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private final Utf8Output.Printer out = new Utf8Output.Printer(new Utf8Output(line, 1 << 16));
    private final JsonPrinter events;
    private final ProxyJsonPrinter reports = new ProxyJsonPrinter(out);

    /** @param showSecrets passwords and tokens in full (--show-secrets) rather than masked, as the printers do */
    EventJson(boolean showSecrets) {
        this.events = new JsonPrinter(out, showSecrets);
    }

    byte[] of(Event event) {
        events.accept(event);
        return take();
    }

    byte[] of(Tampering t) {
        reports.tampered(t);
        return take();
    }

    byte[] of(TamperSkipped s) {
        reports.tamperSkipped(s);
        return take();
    }

    byte[] of(ForgeryAccepted a) {
        reports.forgeryAccepted(a);
        return take();
    }

    byte[] of(ForgeryRejected r) {
        reports.forgeryRejected(r);
        return take();
    }

    byte[] of(UpstreamFailure f) {
        reports.upstreamFailed(f);
        return take();
    }

    /** The object just printed, without its line end. */
    private byte[] take() {
        out.flush();
        byte[] bytes = line.toByteArray();
        line.reset();
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        return end == bytes.length ? bytes : Arrays.copyOf(bytes, end);
    }
}
