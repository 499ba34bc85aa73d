package analyzer.workshop;

/**
 * A connection a scoreboard cell rests on: its number as its witness counts connections (each proxy and each
 * stage's capture number theirs from 1).
 */
public record EvidenceFlow(Witness witness, int flowId) {
}
