package analyzer.dissect;

import analyzer.capture.FilePacketSource;
import analyzer.flow.ReassemblyLimits;
import analyzer.flow.PacketPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The events `read` makes of a capture file: frames → TCP streams → dissector, collected for assertions. */
public final class CapturedEvents {

    public final List<Event> events = new ArrayList<>();

    private CapturedEvents() {
    }

    /** A capture committed under src/test/resources/captures/. */
    public static Path resource(String name) {
        return Path.of("src/test/resources/captures", name);
    }

    public static CapturedEvents read(Path file) throws Exception {
        return read(file, DissectorOptions.defaults());
    }

    public static CapturedEvents read(Path file, DissectorOptions options) throws Exception {
        CapturedEvents c = new CapturedEvents();
        try (FilePacketSource source = FilePacketSource.open(file)) {
            PacketPipeline tcp = new PacketPipeline(source.linkType(), new Dissector(c.events::add, options),
                    ReassemblyLimits.defaults());
            source.run(tcp);
            tcp.finish();
        }
        return c;
    }

    public <T extends Event> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }
}
