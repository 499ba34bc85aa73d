package analyzer.sniff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.FilePacketSource;
import analyzer.capture.SyntheticCapture;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Event;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.flow.Flow;
import analyzer.flow.PacketDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnifferTest {

    @Test
    void framesBecomeEventsAndASummary() {
        List<Event> events = new ArrayList<>();
        List<Flow> opened = new ArrayList<>();
        Sniffer sniffer = new Sniffer(PacketDecoder.DLT_EN10MB, events::add, DissectorOptions.defaults(),
                dissector -> (flow, frame, ts) -> {
                    opened.add(flow);
                    return dissector.open(flow, frame, ts);
                });
        long frame = 1;
        for (byte[] f : SyntheticCapture.frames()) {
            sniffer.onPacket(frame++, 1_000_000L * frame, f, f.length, f.length);
        }
        sniffer.finish();

        assertEquals(1, opened.size(), "the wrapper sees the connection");
        assertEquals(1, events.stream().filter(e -> e instanceof HttpRequestSeen).count(), events.toString());
        HttpResponseSeen response = (HttpResponseSeen) events.stream().filter(e -> e instanceof HttpResponseSeen)
                .findFirst().orElseThrow();
        assertEquals("fluffy tail", new String(response.body().shown(), StandardCharsets.UTF_8));
        assertEquals(10, sniffer.packets());
        assertEquals("10 packets · 1 flow · 1 HTTP request, 1 response · 0 TLS records", sniffer.summary());
    }

    @Test
    void aFileIsReadToItsEndAndFinished(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("exchange.pcap");
        SyntheticCapture.write(file);
        List<Event> events = new ArrayList<>();
        try (FilePacketSource source = FilePacketSource.open(file)) {
            Sniffer sniffer = new Sniffer(source.linkType(), events::add, DissectorOptions.defaults(),
                    UnaryOperator.identity());
            assertNull(sniffer.readAll(source));
            assertEquals("10 packets · 1 flow · 1 HTTP request, 1 response · 0 TLS records", sniffer.summary());
        }
        assertTrue(events.stream().anyMatch(e -> e instanceof HttpResponseSeen), events.toString());
    }

    @Test
    void anUnknownLinkTypeIsRefusedInWords() {
        assertTrue(!Sniffer.supports(9999));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sniffer(9999, event -> { }, DissectorOptions.defaults(), UnaryOperator.identity()));
        assertTrue(e.getMessage().startsWith("cannot decode link type 9999"), e.getMessage());
    }
}
