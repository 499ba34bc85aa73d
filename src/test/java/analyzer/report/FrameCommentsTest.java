package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the tool saw, as frame comments, and the Decode-As hint for the ports Wireshark gives to another protocol. */
class FrameCommentsTest {

    @Test
    void eachFindingOnTheLastFrameOfWhatShowedIt() {
        List<String> comments = new ArrayList<>();
        FrameComments frames = new FrameComments((frame, text) -> comments.add(frame + " " + text));
        frames.accept(SampleEvents.request());
        frames.accept(SampleEvents.response());
        frames.accept(SampleEvents.clientHello());
        frames.accept(SampleEvents.serverHello());
        frames.accept(SampleEvents.applicationData());
        frames.accept(SampleEvents.unknownCaAlert());
        frames.secretSeen(8, "fluffy tail");
        assertEquals(List.of(
                "4 READABLE: GET / sent in clear",
                "8 READABLE: 200 OK to GET / sent in clear",
                "6 ENCRYPTED: TLS 1.3, TLS_AES_256_GCM_SHA384 negotiated: what follows is unreadable without the keys",
                "9 REJECTED: fatal unknown_ca from the client: the client rejected the server's certificate",
                "8 SECRET SEEN: \"fluffy tail\" readable in this frame"), comments);
    }

    @Test
    void port5683IsDecodedAsWhatRanThere() {
        DecodeAsHint http = new DecodeAsHint();
        http.accept(SampleEvents.request());
        assertEquals("-d tcp.port==5683,http", http.tsharkOptions());
        assertEquals(List.of("Wireshark shows port 5683 as CoAP: Analyze › Decode As… › TCP port 5683 → HTTP.",
                "  tshark -r x.pcapng -d tcp.port==5683,http"), http.lines(Path.of("x.pcapng")));
        DecodeAsHint tls = new DecodeAsHint();
        tls.accept(SampleEvents.serverHello());
        assertEquals("-d tcp.port==5683,tls", tls.tsharkOptions());
        assertEquals(List.of(), new DecodeAsHint().lines(Path.of("x.pcapng")), "nothing seen on 5683: no hint");
    }
}
