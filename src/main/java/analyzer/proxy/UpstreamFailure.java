package analyzer.proxy;

import analyzer.flow.Flow;

/**
 * The proxy could not reach or talk to the upstream for a client's connection.
 *
 * @param reason     short, for people: "connection refused", "certificate verify failed: …"
 * @param badGateway whether the client was answered with a 502 (otherwise its connection was closed)
 */
public record UpstreamFailure(Flow flow, long timestampMicros, HostAndPort upstream, String reason,
                              boolean badGateway) {
}
