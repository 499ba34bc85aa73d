package analyzer.proxy;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * A message the rules would have rewritten but that the proxy relayed unmodified, and why: a body larger than the
 * rewrite limit, or a content coding it cannot decode.
 */
public record TamperSkipped(Flow flow, Direction direction, long timestampMicros, String exchange, String part,
                            String reason) {
}
