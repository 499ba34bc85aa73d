package analyzer.workshop;

import java.util.List;
import java.util.Objects;

/**
 * One cell of the scoreboard: the outcome, the one line of evidence it rests on, and the connections that line
 * points at (empty when none does, e.g. an attack not tried).
 */
public record AttackResult(Outcome outcome, String evidence, List<EvidenceFlow> flows) {

    public AttackResult {
        Objects.requireNonNull(outcome, "outcome");
        evidence = evidence == null ? "" : evidence;
        flows = flows == null ? List.of() : List.copyOf(flows);
    }

    public AttackResult(Outcome outcome, String evidence) {
        this(outcome, evidence, List.of());
    }

    /** The same judgement, pointing at these connections. */
    public AttackResult withFlows(List<EvidenceFlow> flows) {
        return new AttackResult(outcome, evidence, flows);
    }

    public static AttackResult succeeded(String evidence) {
        return new AttackResult(Outcome.SUCCEEDED, evidence);
    }

    public static AttackResult failed(String evidence) {
        return new AttackResult(Outcome.FAILED, evidence);
    }

    public static AttackResult detected(String evidence) {
        return new AttackResult(Outcome.DETECTED, evidence);
    }

    public static AttackResult notTried(String why) {
        return new AttackResult(Outcome.NOT_TRIED, why);
    }

    public static AttackResult unavailable(String why) {
        return new AttackResult(Outcome.UNAVAILABLE, why);
    }
}
