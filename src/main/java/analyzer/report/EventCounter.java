package analyzer.report;

import analyzer.dissect.dns.DnsMessageSeen;
import analyzer.dissect.Event;
import analyzer.dissect.EventSink;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.dissect.quic.QuicPacketSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.StreamGap;
import analyzer.dissect.TlsDecryptionSeen;
import analyzer.dissect.TlsRecordSeen;
import analyzer.dissect.websocket.WebSocketMessageSeen;

/** Counts events for the end-of-run summary, then passes them on. */
public final class EventCounter implements EventSink {

    private final EventSink next;
    private long httpRequests;
    private long httpResponses;
    private long httpMalformed;
    private long tlsRecords;
    private long rawChunks;
    private long gaps;
    private long dnsMessages;
    private long quicPackets;
    private long tlsDecrypted;
    private long webSocketMessages;
    private long malformed;

    public EventCounter(EventSink next) {
        this.next = next;
    }

    @Override
    public void accept(Event event) {
        if (event instanceof TlsRecordSeen) {
            tlsRecords++;
        } else if (event instanceof HttpRequestSeen) {
            httpRequests++;
        } else if (event instanceof HttpResponseSeen) {
            httpResponses++;
        } else if (event instanceof HttpMalformed) {
            httpMalformed++;
        } else if (event instanceof RawDataSeen) {
            rawChunks++;
        } else if (event instanceof StreamGap) {
            gaps++;
        } else if (event instanceof DnsMessageSeen) {
            dnsMessages++;
        } else if (event instanceof QuicPacketSeen) {
            quicPackets++;
        } else if (event instanceof TlsDecryptionSeen d && d.outcome() == TlsDecryptionSeen.Outcome.DECRYPTED) {
            tlsDecrypted++;
        } else if (event instanceof WebSocketMessageSeen) {
            webSocketMessages++;
        } else if (event instanceof ProtocolMalformed) {
            malformed++;
        }
        next.accept(event);
    }

    @Override
    public void flush() {
        next.flush();
    }

    public long webSocketMessages() {
        return webSocketMessages;
    }

    /** Malformed input of protocols other than HTTP (WebSocket, …). */
    public long malformed() {
        return malformed;
    }

    public long httpRequests() {
        return httpRequests;
    }

    public long httpResponses() {
        return httpResponses;
    }

    public long httpMalformed() {
        return httpMalformed;
    }

    public long tlsRecords() {
        return tlsRecords;
    }

    public long rawChunks() {
        return rawChunks;
    }

    public long gaps() {
        return gaps;
    }

    public long dnsMessages() {
        return dnsMessages;
    }

    public long quicPackets() {
        return quicPackets;
    }

    /** TLS connections opened with keys. */
    public long tlsDecrypted() {
        return tlsDecrypted;
    }
}
