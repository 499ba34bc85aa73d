package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.tls.KeyLogFile;
import analyzer.dissect.tls.KeyMaterial;
import analyzer.pki.Pem;
import analyzer.sniff.Sniffer;
import analyzer.workshop.ExternalCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The captures in captures/tls/ (made by captures/tls/make.sh with curl, openssl s_client and Python requests
 * against openssl s_server and nginx, each client writing its key log) open with `read --keylog`, and what comes
 * out is what each client sent and received, byte for byte.
 */
class TlsCapturesTest {

    private static final Path DIR = Path.of("captures/tls");

    static Stream<Arguments> captures() {
        return Stream.of(
                Arguments.of("tls13-aes128gcm-curl", "TLS 1.3, TLS_AES_128_GCM_SHA256"),
                Arguments.of("tls13-aes256gcm-openssl", "TLS 1.3, TLS_AES_256_GCM_SHA384"),
                Arguments.of("tls13-chacha20-python", "TLS 1.3, TLS_CHACHA20_POLY1305_SHA256"),
                Arguments.of("tls13-keyupdate-openssl", "TLS 1.3, TLS_AES_128_GCM_SHA256"),
                Arguments.of("tls13-hrr-openssl", "TLS 1.3, TLS_AES_256_GCM_SHA384"),
                Arguments.of("tls13-resumed-openssl", "TLS 1.3, TLS_AES_256_GCM_SHA384"),
                Arguments.of("tls13-early-data-openssl", "TLS 1.3, TLS_CHACHA20_POLY1305_SHA256"),
                Arguments.of("tls12-ecdhe-aes128gcm-curl", "TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                Arguments.of("tls12-ecdhe-aes256gcm-python", "TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
                Arguments.of("tls12-ecdhe-chacha20-openssl", "TLS 1.2, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
                Arguments.of("tls12-rsa-aes128gcm-openssl", "TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256"),
                Arguments.of("tls12-rsa-aes128sha-etm-openssl", "TLS 1.2, TLS_RSA_WITH_AES_128_CBC_SHA"),
                Arguments.of("tls12-rsa-aes256sha256-mte-openssl", "TLS 1.2, TLS_RSA_WITH_AES_256_CBC_SHA256"),
                Arguments.of("tls12-ecdhe-aes256sha384-curl", "TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
                Arguments.of("tls12-resumed-sessionid-openssl", "TLS 1.2, TLS_RSA_WITH_AES_256_GCM_SHA384"),
                Arguments.of("tls12-resumed-ticket-openssl", "TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                Arguments.of("tls11-ecdhe-aes128sha-openssl", "TLS 1.1, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
                Arguments.of("tls10-rsa-aes256sha-openssl", "TLS 1.0, TLS_RSA_WITH_AES_256_CBC_SHA"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void opensWithItsKeyLogToWhatTheClientSentAndReceived(String name, String session) throws IOException {
        List<JsonObject> events = read(name + ".pcap", "--keylog", DIR.resolve(name + ".keys").toString());
        List<JsonObject> decryptions = of(events, "tls.decryption");
        assertFalse(decryptions.isEmpty(), name);
        for (JsonObject d : decryptions) {
            assertEquals("decrypted", d.get("tls.decryption.outcome").getAsString(), d.toString());
            assertTrue(d.get("tls.decryption.detail").getAsString().contains(session), d.toString());
        }
        for (JsonObject record : of(events, "tls.record")) {
            assertFalse(record.get("tls.encrypted").getAsBoolean(), "a record left unopened: " + record);
        }
        List<JsonObject> requests = of(events, "http.request");
        List<JsonObject> responses = of(events, "http.response");
        assertFalse(requests.isEmpty(), name);
        for (JsonObject m : requests) {
            assertTrue(m.get("tls.decrypted").getAsBoolean(), m.toString());
        }
        Path exchange = DIR.resolve(name + ".exchange.json");
        if (Files.exists(exchange)) {
            sameAsPython(exchange, requests, responses);
            return;
        }
        String sent = Files.readString(DIR.resolve(name + ".sent"), StandardCharsets.ISO_8859_1);
        byte[] received = Files.readAllBytes(DIR.resolve(name + ".received"));
        JsonObject request = requests.get(requests.size() - 1);
        JsonObject response = responses.get(responses.size() - 1);
        if (name.endsWith("-curl")) {
            // curl's -v lines: the request line and the headers it sent; -o: the body it received.
            assertEquals(sent, requestHead(request, "\n").replaceAll("\n\n$", "\n"));
            assertEquals(new String(received, StandardCharsets.ISO_8859_1), response.get("http.file_data").getAsString());
        } else {
            // openssl s_client: the bytes it sent, and every byte it received.
            assertEquals(sent, requestHead(request, "\r\n"));
            assertEquals(new String(received, StandardCharsets.ISO_8859_1), responseBytes(response));
        }
    }

    @Test
    void rsaKeyExchangeOpensWithTheServerKeyAloneAndForwardSecrecyDoesNot() throws IOException {
        String key = DIR.resolve("server-key.pem").toString();
        for (String name : List.of("tls10-rsa-aes256sha-openssl", "tls12-rsa-aes128gcm-openssl",
                "tls12-rsa-aes128sha-etm-openssl", "tls12-rsa-aes256sha256-mte-openssl")) {
            List<JsonObject> events = read(name + ".pcap", "--server-key", key);
            JsonObject d = of(events, "tls.decryption").get(0);
            assertEquals("decrypted", d.get("tls.decryption.outcome").getAsString(), name + ": " + d);
            assertTrue(d.get("tls.decryption.detail").getAsString().startsWith("with the server key " + key
                    + " (RSA key exchange, TLS 1."), d.toString());
            assertEquals(1, of(events, "http.response").size(), name);
        }
        // The second connection resumes the first's session: its master secret is remembered from the first.
        List<JsonObject> resumed = read("tls12-resumed-sessionid-openssl.pcap", "--server-key", key);
        assertEquals(List.of("decrypted", "decrypted"), of(resumed, "tls.decryption").stream()
                .map(d -> d.get("tls.decryption.outcome").getAsString()).toList());
        assertTrue(of(resumed, "tls.decryption").get(1).get("tls.decryption.detail").getAsString()
                .contains("resumed session"));
        assertEquals(2, of(resumed, "http.response").size());

        for (String name : List.of("tls12-ecdhe-aes128gcm-curl", "tls13-aes128gcm-curl")) {
            List<JsonObject> events = read(name + ".pcap", "--server-key", key);
            JsonObject d = of(events, "tls.decryption").get(0);
            assertEquals("forward_secrecy", d.get("tls.decryption.outcome").getAsString(), d.toString());
            assertTrue(d.get("tls.decryption.detail").getAsString().endsWith("the server key alone cannot open it"));
            assertEquals(0, of(events, "http.request").size());
        }
    }

    @Test
    void aServerKeyThatIsNotTheCertificatesIsSaidSo() throws Exception {
        Path other = Files.createTempFile("other-key", ".pem");
        try {
            Process p = new ProcessBuilder("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024",
                    "-out", other.toString()).redirectErrorStream(true).start();
            assertEquals(0, p.waitFor());
            PcapFilesTest.Result r = PcapFilesTest.run("read", DIR.resolve("tls12-rsa-aes128gcm-openssl.pcap").toString(),
                    "--server-key", other.toString(), "--color", "never");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("not decrypted: " + other + ": this key does not match the certificate in the"
                    + " capture (CN=localhost)"), r.out());
            assertFalse(r.out().contains("HTTP request"), r.out());
        } finally {
            Files.deleteIfExists(other);
        }
    }

    /**
     * What a capture file written while decrypting should carry: the secrets of exactly the connections opened —
     * not those of others in the same key log — and, for a session opened with the server's RSA key, its master
     * secret, which is the very line the client itself logged.
     */
    @Test
    void theSecretsOfTheConnectionsOpenedAreGivenBackAsAKeyLog(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path both = tmp.resolve("both.keys");
        Files.writeString(both, Files.readString(DIR.resolve("tls13-aes128gcm-curl.keys"))
                + Files.readString(DIR.resolve("tls12-ecdhe-aes128gcm-curl.keys")));
        KeyMaterial keys = new KeyMaterial(problem -> { });
        keys.addKeyLog(KeyLogFile.open(both), false);
        dissect(DIR.resolve("tls13-aes128gcm-curl.pcap"), keys);
        assertEquals(usedLines(DIR.resolve("tls13-aes128gcm-curl.keys")), Set.copyOf(keys.openedKeyLog().lines().toList()));

        KeyMaterial serverKey = new KeyMaterial(problem -> { });
        serverKey.addServerKey("server-key.pem", Pem.readPrivateKey(DIR.resolve("server-key.pem"), null));
        dissect(DIR.resolve("tls12-rsa-aes128gcm-openssl.pcap"), serverKey);
        assertEquals(usedLines(DIR.resolve("tls12-rsa-aes128gcm-openssl.keys")),
                Set.copyOf(serverKey.openedKeyLog().lines().toList()));

        KeyMaterial none = new KeyMaterial(problem -> { });
        none.addKeyLog(KeyLogFile.open(DIR.resolve("tls12-ecdhe-aes128gcm-curl.keys")), false);
        dissect(DIR.resolve("tls13-aes128gcm-curl.pcap"), none);
        assertEquals("", none.openedKeyLog(), "a key log for other connections gives nothing to carry");
    }

    /** The lines of a client's key log that open its connection (no comments, no labels we do not read). */
    private static Set<String> usedLines(Path keyLog) throws IOException {
        return Files.readAllLines(keyLog).stream().filter(l -> l.startsWith("CLIENT_RANDOM ") || l.matches(
                "(CLIENT|SERVER)_(HANDSHAKE_)?TRAFFIC_SECRET(_0)? .*")).map(String::strip)
                .collect(java.util.stream.Collectors.toSet());
    }

    private static void dissect(Path capture, KeyMaterial keys) throws CaptureException {
        try (FilePacketSource source = FilePacketSource.open(capture)) {
            assertEquals(null, new Sniffer(source.linkType(), event -> { }, DissectorOptions.defaults()
                    .withTlsKeys(keys), java.util.function.UnaryOperator.identity()).readAll(source));
        }
    }

    @Test
    void keysEmbeddedInPcapngOpenWithoutAnyOption() {
        List<JsonObject> events = read("tls13-aes128gcm-curl-with-keys.pcapng");
        assertEquals("decrypted", of(events, "tls.decryption").get(0).get("tls.decryption.outcome").getAsString());
        assertEquals("fluffy tail\n", of(events, "http.response").get(0).get("http.file_data").getAsString());
    }

    @Test
    void aSuiteWeDoNotDecryptIsNamedAndItsRecordsStayRecords() {
        List<JsonObject> events = read("tls13-aes128ccm-unsupported.pcap", "--keylog",
                DIR.resolve("tls13-aes128ccm-unsupported.keys").toString());
        JsonObject d = of(events, "tls.decryption").get(0);
        assertEquals("unsupported", d.get("tls.decryption.outcome").getAsString());
        assertEquals("AES-CCM: not decrypted (TLS_AES_128_CCM_SHA256)", d.get("tls.decryption.detail").getAsString());
        assertEquals(0, of(events, "http.request").size());
        assertTrue(of(events, "tls.record").stream().anyMatch(r -> r.get("tls.encrypted").getAsBoolean()));
    }

    @Test
    void aMissingKeyLogIsOneLineAndExit2() {
        PcapFilesTest.Result r = PcapFilesTest.run("read", DIR.resolve("tls13-aes128gcm-curl.pcap").toString(),
                "--keylog", "no/such/keys.log");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("analyzer: cannot read the key log no/such/keys.log: no such file\n"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void malformedKeyLinesAreSaidOnceWithTheirNumberAndTheGoodOnesStillOpen(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path keys = tmp.resolve("keys.log");
        List<String> lines = new ArrayList<>(Files.readAllLines(DIR.resolve("tls13-aes128gcm-curl.keys")));
        lines.add(1, "CLIENT_RANDOM not-hex-at-all 00");
        lines.add(3, "garbage");
        lines.add("# a comment, and an unknown label:");
        lines.add("EXPORTER_SECRET " + "00".repeat(32) + " " + "11".repeat(32));
        Files.write(keys, lines);
        PcapFilesTest.Result r = PcapFilesTest.run("read", DIR.resolve("tls13-aes128gcm-curl.pcap").toString(),
                "--keylog", keys.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("analyzer: warning: " + keys + " line 2: the client random is not hex (skipped)"),
                r.err());
        assertTrue(r.err().contains("analyzer: warning: " + keys + " line 4: expected LABEL CLIENT_RANDOM SECRET,"
                + " found 1 field (skipped)"), r.err());
        assertEquals(2, r.err().split("warning").length - 1, r.err());
        assertTrue(r.out().contains("\"http.file_data\":\"fluffy tail\\n\""), r.out());
    }

    @Test
    void aSecretThatDoesNotOpenItsConnectionIsSaidOnceAndTheRecordsStay(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path keys = tmp.resolve("wrong.log");
        List<String> wrong = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve("tls12-ecdhe-aes128gcm-curl.keys"))) {
            String[] f = line.split(" ");
            wrong.add(line.startsWith("#") ? line : f[0] + " " + f[1] + " " + "ab".repeat(f[2].length() / 2));
        }
        Files.write(keys, wrong);
        List<JsonObject> events = read("tls12-ecdhe-aes128gcm-curl.pcap", "--keylog", keys.toString());
        List<JsonObject> said = of(events, "tls.decryption");
        assertTrue(said.size() >= 1 && said.size() <= 2, said.toString());
        for (JsonObject d : said) {
            assertEquals("wrong_key", d.get("tls.decryption.outcome").getAsString());
        }
        assertEquals(0, of(events, "http.request").size());
        assertTrue(of(events, "tls.record").stream().anyMatch(r -> r.get("tls.encrypted").getAsBoolean()));
    }

    /**
     * tshark, given the same key logs, reads the same requests and responses out of the same captures (all of
     * them merged into one file, all key logs in one).
     */
    @Test
    void tsharkFindsTheSameMessagesWithTheSameKeys(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        ExternalCommand.require("tshark");
        ExternalCommand.require("mergecap");
        Path merged = tmp.resolve("all.pcap");
        Path keys = tmp.resolve("all.keys");
        List<String> merge = new ArrayList<>(List.of("mergecap", "-F", "pcap", "-w", merged.toString()));
        StringBuilder allKeys = new StringBuilder();
        captures().forEach(a -> {
            String name = (String) a.get()[0];
            merge.add(DIR.resolve(name + ".pcap").toString());
            try {
                allKeys.append(Files.readString(DIR.resolve(name + ".keys")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Files.writeString(keys, allKeys);
        assertEquals(0, ExternalCommand.run(Duration.ofSeconds(60), merge).code());
        ExternalCommand.Result tshark = ExternalCommand.run(Duration.ofSeconds(120), List.of("tshark", "-r",
                merged.toString(), "-o", "tls.keylog_file:" + keys, "-d", "tcp.port==44330,tls", "-Y", "http",
                "-T", "fields", "-e", "tcp.srcport", "-e", "http.request.method", "-e", "http.request.uri",
                "-e", "http.response.code"));
        assertEquals(0, tshark.code(), tshark.output());
        List<String> theirs = new ArrayList<>();
        for (String line : tshark.output().split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 4) {
                theirs.add(f[1].isEmpty() ? "response " + f[3] : f[0] + " " + f[1] + " " + f[2]);
            }
        }
        List<JsonObject> events = readFile(merged,
                "--keylog", keys.toString());
        List<String> ours = new ArrayList<>();
        for (JsonObject e : events) {
            if (e.get("event").getAsString().equals("http.request")) {
                ours.add(e.get("tcp.srcport").getAsInt() + " " + e.get("http.request.method").getAsString() + " "
                        + e.get("http.request.uri").getAsString());
            } else if (e.get("event").getAsString().equals("http.response")) {
                ours.add("response " + e.get("http.response.code").getAsInt());
            }
        }
        // tshark does not name a response that ends with its connection (HTTP/1.0 from s_server): compare the
        // requests in order, and every response tshark names must be one of ours.
        assertEquals(theirs.stream().filter(l -> !l.startsWith("response")).toList(),
                ours.stream().filter(l -> !l.startsWith("response")).toList());
        List<String> ourResponses = new ArrayList<>(ours.stream().filter(l -> l.startsWith("response")).toList());
        for (String response : theirs.stream().filter(l -> l.startsWith("response")).toList()) {
            assertTrue(ourResponses.remove(response), response + " not among ours: " + ours);
        }
    }

    /**
     * HTTP/2 inside TLS 1.3 (ALPN h2): curl --http2 against nghttpd, a GET and a POSTed form as streams 1 and 3 of
     * one connection. Each request carries the header fields curl says it sent (its Host as :authority), each
     * response the bytes curl saved; tshark, with the same key log, names the same streams.
     */
    @Test
    void http2InsideTlsOpensToTheStreamsCurlSentAndReceived() throws Exception {
        String name = "tls13-h2-curl";
        Path keys = DIR.resolve(name + ".keys");
        List<JsonObject> events = read(name + ".pcap", "--keylog", keys.toString());
        JsonObject decryption = of(events, "tls.decryption").get(0);
        assertEquals("decrypted", decryption.get("tls.decryption.outcome").getAsString());
        assertTrue(decryption.get("tls.decryption.detail").getAsString().contains("TLS 1.3"), decryption.toString());
        assertTrue(events.stream().anyMatch(e -> e.has("tls.handshake.extensions_alpn_str_selected")
                && e.get("tls.handshake.extensions_alpn_str_selected").getAsString().equals("h2")), "ALPN h2 chosen");

        List<JsonObject> requests = of(events, "http.request");
        List<JsonObject> responses = of(events, "http.response");
        List<List<String>> sent = curlRequests(Files.readAllLines(DIR.resolve(name + ".sent")));
        assertEquals(2, sent.size());
        assertEquals(sent.size(), requests.size());
        assertEquals(sent.size(), responses.size());
        List<String> bodies = List.of(Files.readString(DIR.resolve(name + ".received"), StandardCharsets.ISO_8859_1),
                Files.readString(DIR.resolve(name + ".login.received"), StandardCharsets.ISO_8859_1));
        for (int i = 0; i < sent.size(); i++) {
            JsonObject request = requests.get(i);
            JsonObject response = responses.get(i);
            int stream = 2 * i + 1;
            assertTrue(request.get("tls.decrypted").getAsBoolean(), request.toString());
            assertEquals("HTTP/2", request.get("http.request.version").getAsString());
            assertEquals(stream, request.get("http2.streamid").getAsInt());
            String[] requestLine = sent.get(i).get(0).split(" ");
            assertEquals(requestLine[0], request.get("http.request.method").getAsString());
            assertEquals(requestLine[1], request.get("http.request.uri").getAsString());
            List<String> fields = new ArrayList<>();
            for (JsonElement h : request.getAsJsonArray("http.headers")) {
                JsonObject o = h.getAsJsonObject();
                String field = o.get("name").getAsString();
                String value = o.get("value").getAsString();
                if (field.equals(":authority")) {
                    fields.add("Host: " + value);
                } else if (!field.startsWith(":")) {
                    fields.add(field + ": " + value);
                }
            }
            assertEquals(sent.get(i).subList(1, sent.get(i).size()), fields);

            assertTrue(response.get("tls.decrypted").getAsBoolean(), response.toString());
            assertEquals(stream, response.get("http2.streamid").getAsInt());
            assertEquals(200, response.get("http.response.code").getAsInt());
            assertEquals(requestLine[1], response.get("http.response_for.uri").getAsString());
            assertEquals(bodies.get(i), response.get("http.file_data").getAsString());
        }
        assertEquals("username=alice&password=wonderland", requests.get(1).get("http.file_data").getAsString());

        ExternalCommand.require("tshark");
        ExternalCommand.Result tshark = ExternalCommand.run(Duration.ofSeconds(60), List.of("tshark", "-r",
                DIR.resolve(name + ".pcap").toString(), "-o", "tls.keylog_file:" + keys, "-d", "tcp.port==44330,tls",
                "-Y", "http2.type==1", "-T", "fields", "-E", "occurrence=f", "-e", "http2.streamid",
                "-e", "http2.headers.method", "-e", "http2.headers.path", "-e", "http2.headers.status"));
        assertEquals(0, tshark.code(), tshark.output());
        List<String> theirs = tshark.output().lines().filter(l -> l.matches("\\d+\t.*")).toList();
        List<String> ours = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            ours.add(requests.get(i).get("http2.streamid").getAsInt() + "\t"
                    + requests.get(i).get("http.request.method").getAsString() + "\t"
                    + requests.get(i).get("http.request.uri").getAsString() + "\t");
            ours.add(responses.get(i).get("http2.streamid").getAsInt() + "\t\t\t"
                    + responses.get(i).get("http.response.code").getAsInt());
        }
        assertEquals(theirs, ours);
    }

    /** curl -v's request lines: each request is its request line ("GET /x HTTP/2") and the header lines after it. */
    private static List<List<String>> curlRequests(List<String> lines) {
        List<List<String>> requests = new ArrayList<>();
        for (String line : lines) {
            if (line.matches("[A-Z]+ \\S+ HTTP/2")) {
                requests.add(new ArrayList<>());
            }
            requests.get(requests.size() - 1).add(line);
        }
        return requests;
    }

    // ---- helpers

    private static List<JsonObject> read(String file, String... options) {
        return readFile(DIR.resolve(file), options);
    }

    private static List<JsonObject> readFile(Path file, String... options) {
        List<String> args = new ArrayList<>(List.of("read", file.toString(), "--format", "json",
                "--max-body", "100000", "--no-summary"));
        args.addAll(List.of(options));
        PcapFilesTest.Result r = PcapFilesTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<JsonObject> events = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (!line.isBlank()) {
                events.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        return events;
    }

    private static List<JsonObject> of(List<JsonObject> events, String type) {
        return events.stream().filter(e -> e.get("event").getAsString().equals(type)).toList();
    }

    private static String requestHead(JsonObject request, String eol) {
        StringBuilder sb = new StringBuilder();
        sb.append(request.get("http.request.method").getAsString()).append(' ')
                .append(request.get("http.request.uri").getAsString()).append(' ')
                .append(request.get("http.request.version").getAsString()).append(eol);
        headers(sb, request, eol);
        return sb.append(eol).toString();
    }

    private static String responseBytes(JsonObject response) {
        StringBuilder sb = new StringBuilder();
        sb.append(response.get("http.response.version").getAsString()).append(' ')
                .append(response.get("http.response.code").getAsInt()).append(' ')
                .append(response.get("http.response.phrase").getAsString()).append("\r\n");
        headers(sb, response, "\r\n");
        sb.append("\r\n");
        JsonElement body = response.get("http.file_data");
        return sb.append(body == null ? "" : body.getAsString()).toString();
    }

    private static void headers(StringBuilder sb, JsonObject message, String eol) {
        for (JsonElement h : message.getAsJsonArray("http.headers")) {
            JsonObject o = h.getAsJsonObject();
            sb.append(o.get("name").getAsString()).append(": ").append(o.get("value").getAsString()).append(eol);
        }
    }

    /** Python requests: its record of each request (method, path, headers, body) and response (status, body). */
    private static void sameAsPython(Path exchange, List<JsonObject> requests, List<JsonObject> responses)
            throws IOException {
        JsonObject recorded = JsonParser.parseString(Files.readString(exchange)).getAsJsonObject();
        JsonArray sent = recorded.getAsJsonArray("sent");
        JsonArray received = recorded.getAsJsonArray("received");
        assertEquals(sent.size(), requests.size());
        assertEquals(received.size(), responses.size());
        for (int i = 0; i < sent.size(); i++) {
            JsonObject s = sent.get(i).getAsJsonObject();
            JsonObject r = requests.get(i);
            assertEquals(s.get("method").getAsString(), r.get("http.request.method").getAsString());
            assertEquals(s.get("url").getAsString(), r.get("http.request.uri").getAsString());
            for (String name : s.getAsJsonObject("headers").keySet()) {
                String value = s.getAsJsonObject("headers").get(name).getAsString();
                assertTrue(r.toString().contains("{\"name\":\"" + name + "\",\"value\":\"" + value + "\"}"),
                        name + ": " + value + " not in " + r);
            }
            String body = s.get("body").getAsString();
            if (!body.isEmpty()) {
                assertEquals(body, r.get("http.file_data").getAsString());
            }
            JsonObject got = received.get(i).getAsJsonObject();
            assertEquals(got.get("status").getAsInt(), responses.get(i).get("http.response.code").getAsInt());
            assertEquals(got.get("body").getAsString(), responses.get(i).get("http.file_data").getAsString());
        }
    }
}
