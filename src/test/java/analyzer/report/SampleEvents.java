package analyzer.report;

import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.TlsAlert;
import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Events as the dissector would emit them for the workshop's secret server, built by hand. */
final class SampleEvents {

    static final long T0 = 1_763_928_242_000_123L;

    static Flow flow(int id) {
        try {
            return new Flow(id, new Endpoint(InetAddress.getByName("127.0.0.1"), 42184),
                    new Endpoint(InetAddress.getByName("127.0.0.1"), 5683));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static HttpRequestSeen request() {
        return new HttpRequestSeen(flow(1), Direction.CLIENT_TO_SERVER, T0, Frames.of(4), "GET", "/", "HTTP/1.1",
                List.of(new HttpHeader("Host", "127.0.0.1:5683"), new HttpHeader("Accept", "*/*")), HttpBody.EMPTY);
    }

    static HttpResponseSeen response() {
        byte[] body = "fluffy tail".getBytes(StandardCharsets.UTF_8);
        return new HttpResponseSeen(flow(1), Direction.SERVER_TO_CLIENT, T0 + 400, Frames.of(6, 8), "HTTP/1.1", 200,
                "OK", List.of(new HttpHeader("Content-Type", "text/plain"), new HttpHeader("Content-Length", "11")),
                new HttpBody(body.length, body, true, null, false, true), "GET", "/", T0);
    }

    static TlsRecordSeen clientHello() {
        return new TlsRecordSeen(flow(2), Direction.CLIENT_TO_SERVER, T0, Frames.of(4), TlsRecordSeen.HANDSHAKE,
                0x0301, 512, List.of(new TlsHandshake.ClientHello(0x0303, "localhost", List.of("http/1.1"),
                        List.of(0x0304, 0x0303), List.of(0x1302, 0x1301, 0xc02f))), null, false);
    }

    static TlsRecordSeen serverHello() {
        return new TlsRecordSeen(flow(2), Direction.SERVER_TO_CLIENT, T0 + 100, Frames.of(6),
                TlsRecordSeen.HANDSHAKE, 0x0303, 122,
                List.of(new TlsHandshake.ServerHello(0x0303, 0x0304, 0x1302, null)), null, false);
    }

    static TlsRecordSeen applicationData() {
        return new TlsRecordSeen(flow(2), Direction.SERVER_TO_CLIENT, T0 + 200, Frames.of(8),
                TlsRecordSeen.APPLICATION_DATA, 0x0303, 1307, List.of(), null, true);
    }

    static TlsRecordSeen unknownCaAlert() {
        return new TlsRecordSeen(flow(2), Direction.CLIENT_TO_SERVER, T0 + 300, Frames.of(9), TlsRecordSeen.ALERT,
                0x0303, 2, List.of(), new TlsAlert(2, 48), false);
    }

    private SampleEvents() {
    }
}
