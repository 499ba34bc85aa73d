package analyzer.sniff;

import analyzer.capture.CaptureException;
import analyzer.capture.FilePacketSource;
import analyzer.capture.PacketHandler;
import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.EventSink;
import analyzer.flow.ConnectionListenerFactory;
import analyzer.flow.PacketPipeline;
import analyzer.flow.ReassemblyLimits;
import analyzer.report.EventCounter;
import analyzer.report.SummaryLine;
import java.util.function.UnaryOperator;

/**
 * The sniffer's chain for one run, as the design draws it: frames → TCP streams and UDP flows → dissector →
 * events, counted for the summary on the way to the sink. Every reader of the wire builds this one chain: {@code capture},
 * {@code read}, {@code check}, {@code web} and the demo's wire tap. Not thread-safe: one thread feeds it frames.
 */
public final class Sniffer implements PacketHandler {

    private final EventCounter counter;
    private final PacketPipeline wire;

    /**
     * @param linkType the capture's link type ({@link #supports(int)} must say yes)
     * @param sink     receives every event
     * @param wrap     decorates the dissector, to see every connection and its reassembled bytes (a verdict, a hex
     *                 dump, the frame index of a recording); {@link UnaryOperator#identity()} when not needed
     */
    public Sniffer(int linkType, EventSink sink, DissectorOptions options,
                   UnaryOperator<ConnectionListenerFactory> wrap) {
        if (!supports(linkType)) {
            throw new IllegalArgumentException(unsupported(linkType));
        }
        this.counter = new EventCounter(sink);
        this.wire = new PacketPipeline(linkType, wrap.apply(new Dissector(counter, options)),
                ReassemblyLimits.defaults());
    }

    public static boolean supports(int linkType) {
        return analyzer.flow.PacketDecoder.supports(linkType);
    }

    /** Why a capture of this link type cannot be read, in a user's words. */
    public static String unsupported(int linkType) {
        return "cannot decode link type " + linkType + " (supported: Ethernet, Linux cooked SLL and SLL2, BSD loopback,"
                + " raw IPv4/IPv6)";
    }

    @Override
    public void onPacket(long frameNumber, long timestampMicros, byte[] data, int capturedLength, int originalLength) {
        wire.onPacket(frameNumber, timestampMicros, data, capturedLength, originalLength);
    }

    /**
     * Reads a whole file and finishes: everything readable is shown even when the file breaks off. Returns why it
     * broke off, or null when it was read to its end.
     */
    public CaptureException readAll(FilePacketSource source) {
        return readAll(source, this);
    }

    /** As {@link #readAll(FilePacketSource)}, the frames going through {@code handler} (which passes them on). */
    public CaptureException readAll(FilePacketSource source, PacketHandler handler) {
        CaptureException failure = null;
        try {
            source.run(handler);
        } catch (CaptureException e) {
            failure = e;
        }
        finish();
        return failure;
    }

    /** Ends every open stream (emitting what was pending) and flushes the sink. */
    public void finish() {
        wire.finish();
        counter.flush();
    }

    public long packets() {
        return wire.packets();
    }

    /** "12 packets · 2 flows · 1 HTTP request, 1 response · 9 TLS records" */
    public String summary() {
        SummaryLine line = new SummaryLine().count(wire.packets(), "packet").count(wire.connections(), "flow")
                .count(counter.httpRequests(), "HTTP request").and(counter.httpResponses(), "response")
                .count(counter.tlsRecords(), "TLS record")
                .countIfAny(counter.webSocketMessages(), "WebSocket message")
                .countIfAny(counter.dnsMessages(), "DNS message")
                .countIfAny(counter.quicPackets(), "QUIC packet");
        if (counter.tlsDecrypted() > 0) {
            line.part(SummaryLine.plural(counter.tlsDecrypted(), "TLS connection") + " decrypted");
        }
        return line.countIfAny(counter.httpMalformed(), "malformed HTTP message")
                .countIfAny(counter.malformed(), "malformed frame")
                .countIfAny(counter.gaps(), "gap").toString();
    }

    /**
     * When flows had to be closed early to keep memory bounded (a SYN flood, a capture of many idle connections):
     * how many, and the limits; else null. A closed flow's later packets are read as a new flow.
     */
    public String trackingNote() {
        long evicted = wire.evicted();
        if (evicted == 0) {
            return null;
        }
        return "note: " + SummaryLine.plural(evicted, "flow") + " closed early, the idlest first, to keep memory"
                + " bounded (at most " + wire.trackingLimits() + " at once); a closed flow's later packets start a new"
                + " one";
    }
}
