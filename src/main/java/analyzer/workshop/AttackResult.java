package analyzer.workshop;

import java.util.Objects;

/** One cell of the scoreboard: the outcome and the one line of evidence it rests on. */
public record AttackResult(Outcome outcome, String evidence) {

    public AttackResult {
        Objects.requireNonNull(outcome, "outcome");
        evidence = evidence == null ? "" : evidence;
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
