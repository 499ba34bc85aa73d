package analyzer.proxy;

import analyzer.dissect.BodyPreview;
import analyzer.dissect.ContentDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The attacker's rewrites for one direction, as pure functions over a message's headers and body: no I/O, so
 * they are tested with byte arrays. After a body changes, its framing is made right for the new length:
 * Content-Length is set, or the body stays chunked when it came chunked; a gzip or deflate body is decoded,
 * rewritten and encoded again; a br body is decoded, rewritten and sent without a content coding.
 */
final class MessageRewriter {

    /** A header the rules changed: {@code before} null when added, {@code after} null when dropped. */
    record HeaderChange(String name, String before, String after) {
    }

    /** One body rule that matched, and how many times. */
    record Replaced(String find, String replacement, int count) {
    }

    sealed interface BodyResult {
    }

    /** No rule matched: relay the original bytes and framing. */
    record Unchanged() implements BodyResult {
    }

    /** The new body, encoded as the original was (br: not encoded); the headers have been updated for it. */
    record Rewritten(byte[] body, List<Replaced> replaced) implements BodyResult {
    }

    /** The body could not be rewritten; relay it unmodified. */
    record Skipped(String reason) implements BodyResult {
    }

    private final List<HeaderRule> headerRules;
    private final List<BodyReplacement> bodyRules;
    private final byte[][] finds;
    private final byte[][] replacements;

    MessageRewriter(List<HeaderRule> headerRules, List<BodyReplacement> bodyRules) {
        this.headerRules = List.copyOf(headerRules);
        this.bodyRules = List.copyOf(bodyRules);
        this.finds = new byte[bodyRules.size()][];
        this.replacements = new byte[bodyRules.size()][];
        for (int i = 0; i < bodyRules.size(); i++) {
            finds[i] = bodyRules.get(i).find().getBytes(StandardCharsets.UTF_8);
            replacements[i] = bodyRules.get(i).replacement().getBytes(StandardCharsets.UTF_8);
        }
    }

    boolean isEmpty() {
        return headerRules.isEmpty() && bodyRules.isEmpty();
    }

    boolean rewritesBodies() {
        return !bodyRules.isEmpty();
    }

    /** Applies the header rules in place and says what changed. */
    List<HeaderChange> rewriteHeaders(HttpHeaders headers) {
        List<HeaderChange> changes = new ArrayList<>(2);
        for (HeaderRule rule : headerRules) {
            List<String> old = headers.getAll(rule.name());
            String before = old.isEmpty() ? null : String.join(", ", old);
            if (rule.drops()) {
                if (before != null) {
                    headers.remove(rule.name());
                    changes.add(new HeaderChange(rule.name(), before, null));
                }
            } else if (!(old.size() == 1 && old.get(0).equals(rule.value()))) {
                headers.set(rule.name(), rule.value());
                changes.add(new HeaderChange(rule.name(), before, rule.value()));
            }
        }
        return changes;
    }

    /**
     * Applies the body rules to a complete body as it travelled (still content-encoded). On a change, the
     * headers are updated for the new body: Content-Length, or chunked kept.
     *
     * @param decodedLimit the most decoded bytes to handle
     */
    BodyResult rewriteBody(HttpHeaders headers, byte[] body, int decodedLimit) {
        if (body.length == 0 || bodyRules.isEmpty()) {
            return new Unchanged();
        }
        String encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        String coding = ContentEncoder.canonical(encoding);
        if (coding == null) {
            return new Skipped("its Content-Encoding '" + encoding + "' cannot be decoded here");
        }
        byte[] decoded = body;
        if (!coding.isEmpty()) {
            ContentDecoder decoder = ContentDecoder.forCoding(coding, decodedLimit);
            BodyPreview whole = new BodyPreview(decodedLimit);
            decoder.decode(body, 0, body.length, whole);
            if (!decoder.finish(whole)) {
                return new Skipped("its " + coding + " " + decoder.failure());
            }
            decoded = whole.bytes();
        }
        List<Replaced> replaced = new ArrayList<>(bodyRules.size());
        byte[] text = decoded;
        for (int i = 0; i < finds.length; i++) {
            int count = count(text, finds[i]);
            if (count > 0) {
                text = replace(text, finds[i], replacements[i], count);
                replaced.add(new Replaced(bodyRules.get(i).find(), bodyRules.get(i).replacement(), count));
            }
        }
        if (replaced.isEmpty()) {
            return new Unchanged();
        }
        String sentAs = ContentEncoder.sentAs(coding);
        if (!sentAs.equals(coding)) {
            headers.remove(HttpHeaderNames.CONTENT_ENCODING);
        }
        byte[] encoded = ContentEncoder.encode(sentAs, text);
        frameFor(headers, encoded.length);
        return new Rewritten(encoded, replaced);
    }

    /** Chunked stays chunked (the encoder re-frames it); anything else gets the new Content-Length. */
    static void frameFor(HttpHeaders headers, int length) {
        if (headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true)) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        } else {
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            headers.set("Content-Length", length);
        }
    }

    static int count(byte[] haystack, byte[] needle) {
        int count = 0;
        for (int i = indexOf(haystack, needle, 0); i >= 0; i = indexOf(haystack, needle, i + needle.length)) {
            count++;
        }
        return count;
    }

    private static byte[] replace(byte[] text, byte[] find, byte[] with, int count) {
        byte[] out = new byte[text.length + count * (with.length - find.length)];
        int from = 0;
        int to = 0;
        for (int i = indexOf(text, find, 0); i >= 0; i = indexOf(text, find, from)) {
            System.arraycopy(text, from, out, to, i - from);
            to += i - from;
            System.arraycopy(with, 0, out, to, with.length);
            to += with.length;
            from = i + find.length;
        }
        System.arraycopy(text, from, out, to, text.length - from);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        byte first = needle[0];
        int last = haystack.length - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
