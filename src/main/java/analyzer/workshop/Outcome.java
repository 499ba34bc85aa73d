package analyzer.workshop;

/** How one attack fared at one stage, from the attacker's side. */
public enum Outcome {
    /** The attack worked: the secret was read, the client believed the forgery, the stolen session was accepted. */
    SUCCEEDED,
    /** The attack got nowhere: only ciphertext seen, the forged certificate rejected. */
    FAILED,
    /** The attack was carried out, but the victim noticed (a tampered Fernet token fails its HMAC). */
    DETECTED,
    /** The attack does not apply to this stage. */
    NOT_TRIED,
    /** The evidence could not be gathered (no capture permission, a step that broke). */
    UNAVAILABLE;

    public String label() {
        return switch (this) {
            case NOT_TRIED -> "—";
            case UNAVAILABLE -> "n/a";
            default -> name();
        };
    }
}
