package analyzer.workshop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the demo runs.
 *
 * @param stages        the stages to run, in story order
 * @param preferredPort the secret server's port when it is free (the tutorial's 5683); otherwise an ephemeral one
 * @param recordDir     where each stage's capture is written as a pcap, or null
 * @param wire          whether to capture the wire (false: the proxy's evidence only)
 * @param secret        what the secret server serves
 * @param forgery       what the attacker puts in its place
 * @param timeout       how long the workshop's clients wait for an answer
 */
public record DemoConfig(List<Stage> stages, int preferredPort, Path recordDir, boolean wire, String secret,
                         String forgery, Duration timeout) {

    public static final String FORGERY = "squirrel party";

    public DemoConfig {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("no stage to run");
        }
        if (preferredPort < 0 || preferredPort > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + preferredPort);
        }
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(forgery, "forgery");
        Objects.requireNonNull(timeout, "timeout");
        if (secret.isEmpty() || forgery.isEmpty() || secret.equals(forgery)) {
            throw new IllegalArgumentException("the secret and the forgery must be different and not empty");
        }
    }

    /** Every stage, on 5683 when free, capturing the wire, "fluffy tail" forged into "squirrel party". */
    public static DemoConfig defaults() {
        return new DemoConfig(List.of(Stage.values()), SecretServerConfig.DEFAULT_PORT, null, true,
                SecretServerConfig.DEFAULT_MESSAGE, FORGERY, Duration.ofSeconds(10));
    }

    public DemoConfig withStages(List<Stage> stages) {
        return new DemoConfig(stages, preferredPort, recordDir, wire, secret, forgery, timeout);
    }

    public DemoConfig withPreferredPort(int port) {
        return new DemoConfig(stages, port, recordDir, wire, secret, forgery, timeout);
    }

    public DemoConfig withRecordDir(Path dir) {
        return new DemoConfig(stages, preferredPort, dir, wire, secret, forgery, timeout);
    }

    public DemoConfig withWire(boolean wire) {
        return new DemoConfig(stages, preferredPort, recordDir, wire, secret, forgery, timeout);
    }
}
