package analyzer.workshop;

/** Who saw a flow during a stage: the sniffer on the wire, or one of the attacker's two proxies. */
public enum Witness {
    WIRE("wire"),
    READING_PROXY("proxy that reads"),
    REWRITING_PROXY("proxy that rewrites");

    private final String label;

    Witness(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
