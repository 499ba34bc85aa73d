package analyzer.dissect.http2;

import java.util.List;

/**
 * The gRPC side of one HTTP/2 message: the call ({@code :path} is {@code /package.Service/Method}), the
 * length-prefixed messages of its body, and — in a response — the status from the trailers.
 *
 * @param messages      the first messages, at most a bounded number of them
 * @param count         how many messages the body held (the last may be incomplete)
 * @param status        {@code grpc-status}, or -1 if absent (requests; a response cut short)
 * @param statusMessage {@code grpc-message} (percent-decoded), or null
 */
public record GrpcMessages(String service, String method, List<Message> messages, long count, int status,
                           String statusMessage) {

    /**
     * @param length     the length its prefix declares
     * @param compressed the prefix's compressed flag (the message is in the call's {@code grpc-encoding})
     * @param preview    its first bytes
     * @param complete   false when the stream ended before the message did
     */
    public record Message(boolean compressed, long length, byte[] preview, boolean complete) {
    }

    /** The canonical name of a status code ("OK", "UNAUTHENTICATED"), or the number. */
    public static String statusName(int code) {
        String[] names = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
                "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
        return code >= 0 && code < names.length ? names[code] : Integer.toString(code);
    }
}
