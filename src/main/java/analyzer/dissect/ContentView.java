package analyzer.dissect;

import java.util.List;
import java.util.Objects;

/**
 * One decoded view of what a message carries, as far as its dissector could peel it from the wire: the place to
 * look for secrets and credentials ({@code analyzer.leaks.ContentMatcher} searches it, and looks through
 * URL-encoding, base64 and JSON string escapes within it by itself).
 *
 * @param where     what it is, for the evidence: "URL", "request headers", "response body", "WebSocket message"
 * @param decoding  how it was decoded from the wire bytes: "de-chunked", "gzip", "HPACK", "unmasked, inflated";
 *                  empty when the bytes are as they travelled
 * @param fields    name/value pairs the protocol itself delimits (HTTP headers, HPACK-decoded headers), judged by
 *                  name (Authorization, Cookie, X-Api-Key, …) and by value; empty when there are none
 * @param bytes     the decoded payload (may be empty when the view is only its fields)
 * @param mediaType the payload's media type when known ({@link #FORM} for a query string or a form, a JSON type), or
 *                  null
 * @param insideTls true when only a holder of the TLS keys reads it (decrypted with a key log): what is found there
 *                  is reported as inside TLS and does not make the connection readable on the wire
 */
public record ContentView(String where, String decoding, List<HttpHeader> fields, byte[] bytes, String mediaType,
                          boolean insideTls) {

    public static final String FORM = "application/x-www-form-urlencoded";

    private static final byte[] NO_BYTES = new byte[0];

    public ContentView {
        Objects.requireNonNull(where, "where");
        decoding = decoding == null ? "" : decoding;
        fields = fields == null ? List.of() : fields;
        bytes = bytes == null ? NO_BYTES : bytes;
    }

    /** Bytes as they travelled, no fields. */
    public static ContentView plain(String where, byte[] bytes, String mediaType) {
        return new ContentView(where, "", List.of(), bytes, mediaType, false);
    }

    /** Name/value pairs only, as they travelled. */
    public static ContentView fields(String where, List<HttpHeader> fields) {
        return new ContentView(where, "", fields, NO_BYTES, null, false);
    }

    /** "response body (de-chunked, gzip)" or just "response body". */
    public String describe() {
        return decoding.isEmpty() ? where : where + " (" + decoding + ")";
    }
}
