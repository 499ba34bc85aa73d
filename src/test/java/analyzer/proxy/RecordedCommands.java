package analyzer.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ProxiedConnection}'s commands, as a test reads them: one line each ("write UPSTREAM GET /", "flush
 * CLIENT", "answer 400 Bad Request"), with the messages written kept for a closer look and released at the end.
 */
final class RecordedCommands implements ConnectionCommands {

    private final List<String> log = new ArrayList<>();
    final List<Object> toClient = new ArrayList<>();
    final List<Object> toUpstream = new ArrayList<>();
    final List<UpstreamFailure> failures = new ArrayList<>();
    final List<byte[]> answers = new ArrayList<>();

    /** The commands since the last call, flushes and read toggles included. */
    List<String> take() {
        List<String> out = List.copyOf(log);
        log.clear();
        return out;
    }

    /** The commands since the last call without flushes and read toggles: what was sent, opened and closed. */
    List<String> takeEssential() {
        return take().stream().filter(c -> !c.startsWith("flush") && !c.startsWith("read")).toList();
    }

    void releaseAll() {
        toClient.forEach(ReferenceCountUtil::release);
        toUpstream.forEach(ReferenceCountUtil::release);
        toClient.clear();
        toUpstream.clear();
    }

    static String describe(Object m) {
        if (m instanceof HttpRequest r) {
            return r.method() + " " + r.uri();
        }
        if (m instanceof HttpResponse r) {
            return String.valueOf(r.status().code());
        }
        if (m instanceof HttpContent c) {
            String body = c.content().toString(StandardCharsets.UTF_8);
            String end = m instanceof LastHttpContent ? "end" : "body";
            return body.isEmpty() ? end : end + " " + body;
        }
        if (m instanceof ByteBuf b) {
            return "bytes " + b.toString(StandardCharsets.ISO_8859_1);
        }
        return String.valueOf(m);
    }

    @Override
    public void relayClientBytes() {
        log.add("relay client bytes");
    }

    @Override
    public void relayClientHttp() {
        log.add("relay client http");
    }

    @Override
    public void interceptClientTls(HostAndPort target) {
        log.add("intercept " + target);
    }

    @Override
    public void sniffClient() {
        log.add("sniff client");
    }

    @Override
    public void awaitClientSilence() {
        log.add("await client silence");
    }

    @Override
    public void relayClientBytesAfterConnect() {
        log.add("relay client bytes after connect");
    }

    @Override
    public void relayBytesFromNowOn() {
        log.add("relay bytes from now on");
    }

    @Override
    public void connect(HostAndPort target, boolean tls, boolean http) {
        log.add("connect " + target + (tls ? " tls" : "") + (http ? " http" : ""));
    }

    @Override
    public void relayUpstreamHttp() {
        log.add("relay upstream http");
    }

    @Override
    public void retireUpstream() {
        log.add("retire upstream");
    }

    @Override
    public void abandonUpstream() {
        log.add("abandon upstream");
    }

    @Override
    public void write(Side side, Object message) {
        (side == Side.CLIENT ? toClient : toUpstream).add(message);
        log.add("write " + side + " " + describe(message));
    }

    @Override
    public void flush(Side side) {
        log.add("flush " + side);
    }

    @Override
    public void answerClient(byte[] response) {
        answers.add(response);
        String text = new String(response, StandardCharsets.UTF_8);
        log.add("answer " + text.substring("HTTP/1.1 ".length(), text.indexOf('\r')));
    }

    @Override
    public void read(Side side, boolean on) {
        log.add("read " + side + (on ? " on" : " off"));
    }

    @Override
    public void endOutput(Side side) {
        log.add("end output " + side);
    }

    @Override
    public void close(Side side) {
        log.add("close " + side);
    }

    @Override
    public void report(UpstreamFailure failure) {
        failures.add(failure);
        log.add("report upstream failure: " + failure.reason());
    }
}
