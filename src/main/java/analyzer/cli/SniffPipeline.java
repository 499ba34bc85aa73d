package analyzer.cli;

import analyzer.capture.CaptureException;
import analyzer.capture.FilePacketSource;
import analyzer.capture.LayerView;
import analyzer.capture.PacketHandler;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.EventSink;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.report.JsonPrinter;
import analyzer.report.PayloadHexDumper;
import analyzer.report.Style;
import analyzer.report.TextPrinter;
import analyzer.report.TextWidth;
import analyzer.sniff.Sniffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.function.UnaryOperator;

/**
 * The sniffer's chain ({@link Sniffer}) as the options ask to show it: which printer, hex dumps, --layers lines.
 * Shared by {@code capture}, {@code read}, {@code check} and {@code web} so all show the same thing.
 */
final class SniffPipeline {

    private final Sniffer sniffer;
    private final PacketHandler handler;
    private final Writer out;
    /** --layers lines continue under the first field, after the layer's name. */
    private static final int LAYER_HANG = 14;
    private final TextWidth width;

    /**
     * @param extraSink  also receives every event (a verdict, a test), or null
     */
    SniffPipeline(int linkType, OutputOptions options, Writer out, boolean layers, EventSink extraSink,
                  KeyMaterial keys) {
        this(linkType, options, true, out, layers, extraSink, UnaryOperator.identity(), keys);
    }

    /**
     * @param print  whether events are printed (check prints only its verdict unless --show)
     * @param wrap   decorates the dissector, to see every connection and its reassembled bytes
     * @param keys   what TLS is opened with ({@link KeyMaterial#none()}: nothing)
     */
    SniffPipeline(int linkType, OutputOptions options, boolean print, Writer out, boolean layers,
                  EventSink extraSink, UnaryOperator<ConnectionListenerFactory> wrap, KeyMaterial keys) {
        if (!Sniffer.supports(linkType)) {
            throw new UserError(Sniffer.unsupported(linkType));
        }
        this.out = out;
        this.width = options.width();
        Style style = options.style();
        EventSink printer = !print ? event -> { }
                : options.format == OutputOptions.Format.json ? new JsonPrinter(out, options.showSecrets)
                : new TextPrinter(out, style, options.hex, options.width(), options.showSecrets);
        UnaryOperator<ConnectionListenerFactory> dump = print && options.hex
                && options.format == OutputOptions.Format.text
                ? listeners -> new PayloadHexDumper(wrap.apply(listeners), out, style) : wrap;
        this.sniffer = new Sniffer(linkType, EventSink.both(printer, extraSink),
                new DissectorOptions(options.maxBody, DissectorOptions.defaults().maxRawPreview(), keys)
                        .withControlFrames(layers), dump);
        if (layers && options.format == OutputOptions.Format.text) {
            this.handler = (frame, ts, data, caplen, origLen) -> {
                printLayers(frame, linkType, data, caplen, origLen);
                sniffer.onPacket(frame, ts, data, caplen, origLen);
            };
        } else {
            this.handler = sniffer;
        }
    }

    private void printLayers(long frame, int linkType, byte[] data, int caplen, int origLen) {
        StringBuilder sb = new StringBuilder();
        sb.append("frame ").append(frame).append("  ").append(origLen).append(" bytes on wire, ")
                .append(caplen).append(" captured\n");
        for (String line : LayerView.describe(linkType, data, caplen)) {
            sb.append(width.fit("    " + line, LAYER_HANG)).append('\n');
        }
        try {
            out.append(sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    PacketHandler handler() {
        return handler;
    }

    /**
     * Reads a whole file through the pipeline and finishes it: everything readable is shown even when the file
     * breaks off. Returns why it broke off, or null when it was read to its end.
     */
    CaptureException readAll(FilePacketSource source) {
        CaptureException failure = sniffer.readAll(source, handler);
        flushOut();
        return failure;
    }

    /** Ends every open stream (emitting what was pending) and flushes the output. */
    void finish() {
        sniffer.finish();
        flushOut();
    }

    private void flushOut() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Sniffer sniffer() {
        return sniffer;
    }

    /** "12 packets · 2 flows · 1 HTTP request, 1 response · 9 TLS records" */
    String summary() {
        return sniffer.summary();
    }

    /** See {@link Sniffer#trackingNote()}. */
    String trackingNote() {
        return sniffer.trackingNote();
    }
}
