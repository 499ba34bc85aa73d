package analyzer.cli;

import analyzer.capture.CaptureException;
import analyzer.capture.FilePacketSource;
import analyzer.capture.LayerView;
import analyzer.capture.PacketHandler;
import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.EventSink;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.PacketDecoder;
import analyzer.flow.ReassemblyLimits;
import analyzer.flow.PacketPipeline;
import analyzer.report.EventCounter;
import analyzer.report.JsonPrinter;
import analyzer.report.PayloadHexDumper;
import analyzer.report.Style;
import analyzer.report.TextPrinter;
import analyzer.report.TextWidth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.function.UnaryOperator;

/**
 * The sniffer's chain for one run, as the design draws it: frames → TCP streams → dissector → printer.
 * Shared by {@code capture} and {@code read} so both show the same thing.
 */
final class SniffPipeline {

    private final EventCounter counter;
    private final PacketPipeline wire;
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
        if (!PacketDecoder.supports(linkType)) {
            throw new UserError("cannot decode link type " + linkType + " (supported: Ethernet, Linux cooked SLL and"
                    + " SLL2, BSD loopback, raw IPv4/IPv6)");
        }
        this.out = out;
        this.width = options.width();
        Style style = options.style();
        EventSink printer = !print ? event -> { }
                : options.format == OutputOptions.Format.json ? new JsonPrinter(out, options.showSecrets)
                : new TextPrinter(out, style, options.hex, options.width(), options.showSecrets);
        EventSink sink = extraSink == null ? printer : tee(printer, extraSink);
        this.counter = new EventCounter(sink);
        ConnectionListenerFactory listeners = wrap.apply(new Dissector(counter,
                new DissectorOptions(options.maxBody, DissectorOptions.defaults().maxRawPreview(), keys)));
        if (print && options.hex && options.format == OutputOptions.Format.text) {
            listeners = new PayloadHexDumper(listeners, out, style);
        }
        this.wire = new PacketPipeline(linkType, listeners, ReassemblyLimits.defaults());
        if (layers && options.format == OutputOptions.Format.text) {
            this.handler = (frame, ts, data, caplen, origLen) -> {
                printLayers(frame, linkType, data, caplen, origLen);
                wire.onPacket(frame, ts, data, caplen, origLen);
            };
        } else {
            this.handler = wire;
        }
    }

    /** Both sinks, or the one that is not null. */
    static EventSink tee(EventSink a, EventSink b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new EventSink() {
            @Override
            public void accept(analyzer.dissect.Event event) {
                a.accept(event);
                b.accept(event);
            }

            @Override
            public void flush() {
                a.flush();
                b.flush();
            }
        };
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
        CaptureException failure = null;
        try {
            source.run(handler);
        } catch (CaptureException e) {
            failure = e;
        }
        finish();
        return failure;
    }

    /** Ends every open stream (emitting what was pending) and flushes the output. */
    void finish() {
        wire.finish();
        counter.flush();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    EventCounter events() {
        return counter;
    }

    PacketPipeline wire() {
        return wire;
    }

    /** "12 packets · 2 flows · 1 HTTP request, 1 response · 9 TLS records" */
    String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(plural(wire.packets(), "packet")).append(" · ").append(plural(wire.connections(), "flow"));
        sb.append(" · ").append(plural(counter.httpRequests(), "HTTP request")).append(", ")
                .append(plural(counter.httpResponses(), "response"));
        sb.append(" · ").append(plural(counter.tlsRecords(), "TLS record"));
        if (counter.dnsMessages() > 0) {
            sb.append(" · ").append(plural(counter.dnsMessages(), "DNS message"));
        }
        if (counter.quicPackets() > 0) {
            sb.append(" · ").append(plural(counter.quicPackets(), "QUIC packet"));
        }
        if (counter.tlsDecrypted() > 0) {
            sb.append(" · ").append(plural(counter.tlsDecrypted(), "TLS connection")).append(" decrypted");
        }
        if (counter.httpMalformed() > 0) {
            sb.append(" · ").append(plural(counter.httpMalformed(), "malformed HTTP message"));
        }
        if (counter.gaps() > 0) {
            sb.append(" · ").append(plural(counter.gaps(), "gap"));
        }
        return sb.toString();
    }

    static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
