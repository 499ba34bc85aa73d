package analyzer.dissect.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.BackgroundCapture;
import analyzer.capture.PeerScripts;
import analyzer.capture.Tshark;
import analyzer.cli.CommandRun;
import analyzer.workshop.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * dig asks a small local DNS responder over UDP, and once over TCP (+tcp: length-prefixed messages), while
 * `analyzer capture --port` watches: the port covers UDP, the queries and answers are printed whatever the
 * transport, tshark reads the same names and addresses from the written file, and check reports DNS as information
 * rather than failure.
 */
@Timeout(120)
class DnsCaptureTest {

    @TempDir
    Path dir;

    @Test
    void digQueriesAndAnswersAreCapturedPrintedAndJudgedAsInformation() throws Exception {
        ExternalCommand.require("dig", "-v");
        Path pcap = dir.resolve("dns.pcap");
        try (PeerScripts.Server dns = PeerScripts.server(dir, "dns_responder.py")) {
            BackgroundCapture capture = new BackgroundCapture("capture", "--port", String.valueOf(dns.port()),
                    "--duration", "3s", "--write", pcap.toString(), "--color", "never");
            ExternalCommand.Result a = dig(dns.port(), "fluffy.example", "A");
            ExternalCommand.Result aaaa = dig(dns.port(), "tail.example", "AAAA");
            ExternalCommand.Result overTcp = dig(dns.port(), "oak.example", "A", "+tcp");
            capture.finish();
            assertTrue(a.output().contains("192.0.2.7"), a.output());
            assertTrue(aaaa.output().contains("2001:db8::7"), aaaa.output());
            assertTrue(overTcp.output().contains("192.0.2.7") && overTcp.output().contains("(TCP)"), overTcp.output());

            String out = capture.out.toString();
            assertTrue(out.contains("DNS  query  A fluffy.example  id 0x"), out);
            assertTrue(out.contains("DNS  answer  NOERROR  A fluffy.example  id 0x"), out);
            assertTrue(out.contains("    fluffy.example  A  192.0.2.7  ttl 300"), out);
            assertTrue(out.contains("    tail.example  AAAA  2001:db8::7  ttl 300"), out);
            assertTrue(out.contains("    oak.example  A  192.0.2.7  ttl 300"), "read over TCP too: " + out);
            assertTrue(capture.err.toString().contains("6 DNS messages"), capture.err.toString());
            assertTrue(capture.err.toString().contains("(tcp port " + dns.port() + " or udp port " + dns.port() + ")"),
                    capture.err.toString());

            CommandRun json = CommandRun.of("read", pcap.toString(), "--format", "json");
            assertEquals(0, json.code(), json.err());
            List<String> ours = new ArrayList<>();
            for (String line : json.out().split("\n")) {
                ours.add(field(line, "dns.qry.name") + "\t" + field(line, "dns.a") + "\t" + field(line, "dns.aaaa"));
            }
            List<String> tshark = Tshark.fields(pcap, List.of("udp.port==" + dns.port() + ",dns",
                    "tcp.port==" + dns.port() + ",dns"), "dns",
                    "dns.qry.name", "dns.a", "dns.aaaa");
            assertEquals(tshark, ours, "the same names and addresses as tshark reads: " + json.out());

            CommandRun check = CommandRun.of("check", "--read", pcap.toString(), "--color", "never");
            assertEquals(3, check.code(), check.out() + check.err());
            assertTrue(check.out().contains("INFO"), check.out());
            assertTrue(check.out().contains("dns query     A fluffy.example  (names travel in clear)"), check.out());
            assertTrue(check.out().contains("dns query     A oak.example  (names travel in clear)"), check.out());
            assertTrue(check.out().contains("NOTHING TO JUDGE — no data seen besides DNS"), check.out());
        }
    }

    private static ExternalCommand.Result dig(int port, String name, String type, String... options)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+tries=1",
                "+time=3", "+noedns", name, type));
        command.addAll(List.of(options));
        return ExternalCommand.run(Duration.ofSeconds(20), command);
    }

    /** A string field of one JSON line, or the array's values joined with commas as tshark aggregates them. */
    static String field(String line, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"([^\"]*)\"|\\[([^\\]]*)\\])").matcher(line);
        if (!m.find()) {
            return "";
        }
        return m.group(2) != null ? m.group(2) : m.group(3).replace("\"", "");
    }
}
