package analyzer.check;

import analyzer.dissect.TlsNames;
import analyzer.flow.Flow;
import analyzer.probe.ProbeReport;
import analyzer.report.EncryptionVerdict;
import analyzer.report.EncryptionVerdict.Finding;
import analyzer.report.EncryptionVerdict.FlowKind;
import analyzer.report.EncryptionVerdict.FlowReport;
import analyzer.report.EncryptionVerdict.TlsFacts;
import analyzer.report.Verdict;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything a check concluded, ready for every report (text, JSON, JUnit XML, Markdown): each connection judged
 * (readable, unverifiable, weak TLS under the policy, or encrypted), the probe's answers judged, the verdict and the
 * exit code the process ends with — the same number every report states.
 */
public final class CheckReport {

    /** Exit code when the wrapped command failed and the check found nothing wrong (see README). */
    public static final int COMMAND_FAILED = 4;

    /** How one connection is judged. */
    public enum Judgement {
        READABLE("READABLE"), UNVERIFIED("UNKNOWN"), WEAK_TLS("WEAK TLS"), ENCRYPTED("ENCRYPTED"),
        /** DNS: the names asked travel in clear, shown without failing the check. */
        INFO("INFO"),
        EMPTY("EMPTY");

        private final String tag;

        Judgement(String tag) {
            this.tag = tag;
        }

        /** The word the text report starts the connection's line with. */
        public String tag() {
            return tag;
        }
    }

    /**
     * One connection.
     *
     * @param servicePort whether its server port is one of --port (always true when no port was named)
     * @param problems    why it fails the policy (weak TLS only)
     * @param warnings    alerts, and without a policy what a policy would fail
     */
    public record Connection(Flow flow, Judgement judgement, String summary, List<Finding> findings,
                             List<String> problems, List<String> warnings, boolean servicePort, long clientBytes,
                             long serverBytes) {
    }

    /** How bad a probe answer is. */
    public enum Level { OK, WARN, FAIL }

    /** One thing the probe tried and how it went, judged. */
    public record ProbeLine(String what, String answer, Level level) {
    }

    /**
     * What a check looked at.
     *
     * @param source       what was watched or read, for people: "lo, all TCP", "captures/x.pcap"
     * @param traffic      the traffic verdict, or null when only the probe ran
     * @param probe        the probe's report, or null when there was no probe (or it could not connect)
     * @param probeTarget  --probe's HOST:PORT, or null
     * @param probeError   why the probe could not run, or null
     * @param policy       --policy, or null
     * @param servicePorts --port, to tell the service's connections from others; empty when all are the service's
     * @param window       how a live window ended, or null for a file
     * @param packets      packets read
     */
    public record Inputs(String source, EncryptionVerdict traffic, ProbeReport probe, String probeTarget,
                         String probeError, TlsPolicy policy, Set<Integer> servicePorts, LiveWindow.End window,
                         long packets, Instant now) {
    }

    private final Inputs inputs;
    private final List<Connection> connections = new ArrayList<>();
    private final List<ProbeLine> probeLines = new ArrayList<>();
    private final Verdict verdict;

    private CheckReport(Inputs inputs) {
        this.inputs = inputs;
        if (inputs.traffic() != null) {
            for (FlowReport f : inputs.traffic().flows()) {
                connections.add(judge(f));
            }
        }
        if (inputs.probe() != null) {
            judgeProbe(inputs.probe());
        }
        this.verdict = decide();
    }

    public static CheckReport of(Inputs inputs) {
        return new CheckReport(inputs);
    }

    /**
     * Whether a TLS connection fails the policy, as {@link #judge} would judge it listed: for {@link EncryptionVerdict}
     * to judge the connections it only counts when they end. Null without a policy (nothing fails). A flood repeats
     * one certificate: the last one read is kept rather than parsed again.
     *
     * @param now the moment certificates are judged at (the report's {@link Inputs#now()})
     */
    public static Predicate<TlsFacts> failsPolicy(TlsPolicy policy, Instant now) {
        if (policy == null) {
            return null;
        }
        return new Predicate<>() {
            private byte[] lastDer;
            private X509Certificate lastCertificate;

            @Override
            public boolean test(TlsFacts tls) {
                byte[] der = tls.leafCertificate();
                if (der != null && !Arrays.equals(der, lastDer)) {
                    lastDer = der;
                    lastCertificate = TlsJudgement.certificate(der);
                }
                return !TlsJudgement.of(policy, tls, der == null ? null : lastCertificate, now).problems().isEmpty();
            }
        };
    }

    private Connection judge(FlowReport f) {
        boolean service = inputs.servicePorts().isEmpty() || inputs.servicePorts().contains(f.flow().server().port());
        List<String> warnings = new ArrayList<>(f.warnings());
        return switch (f.kind()) {
            case READABLE -> new Connection(f.flow(), Judgement.READABLE, f.summary(), f.findings(), List.of(),
                    warnings, service, f.clientBytes(), f.serverBytes());
            case UNKNOWN -> new Connection(f.flow(), Judgement.UNVERIFIED, f.summary(), f.findings(), List.of(),
                    warnings, service, f.clientBytes(), f.serverBytes());
            case EMPTY -> new Connection(f.flow(), Judgement.EMPTY, f.summary(), f.findings(), List.of(), warnings,
                    service, f.clientBytes(), f.serverBytes());
            case INFO -> new Connection(f.flow(), Judgement.INFO, f.summary(), f.findings(), List.of(), warnings,
                    service, f.clientBytes(), f.serverBytes());
            case TLS -> {
                TlsJudgement j = TlsJudgement.of(inputs.policy(), f.tls(), TlsJudgement.certificate(
                        f.tls().leafCertificate()), inputs.now());
                warnings.addAll(j.warnings());
                yield new Connection(f.flow(), j.problems().isEmpty() ? Judgement.ENCRYPTED : Judgement.WEAK_TLS,
                        f.summary(), f.findings(), j.problems(), warnings, service, f.clientBytes(),
                        f.serverBytes());
            }
        };
    }

    private void judgeProbe(ProbeReport p) {
        ProbeReport.Plaintext plain = p.plaintext();
        switch (plain.kind()) {
            case SERVES -> probeLines.add(new ProbeLine("plaintext HTTP", "ANSWERED: " + plain.answer()
                    + " — served in clear", Level.FAIL));
            case REFUSES -> probeLines.add(new ProbeLine("plaintext HTTP", "refused: " + plain.answer(), Level.OK));
            case SILENT -> probeLines.add(new ProbeLine("plaintext HTTP", plain.answer(), Level.OK));
        }
        TlsPolicy policy = inputs.policy();
        if (plain.kind() == ProbeReport.PlaintextKind.SERVES && p.accepted().isEmpty()) {
            probeLines.add(new ProbeLine("TLS", "not tried: the port speaks plaintext HTTP", Level.OK));
            return;
        }
        boolean anyAccepted = false;
        for (ProbeReport.VersionSupport v : p.versions()) {
            String name = TlsNames.version(v.version());
            if (!v.accepted()) {
                probeLines.add(new ProbeLine(name, "not accepted (" + v.refusal() + ")", Level.OK));
                continue;
            }
            anyAccepted = true;
            String suites = suiteList(v.suites());
            String versionProblem = policy == null ? null : policy.versionProblem(v.version());
            if (versionProblem != null) {
                probeLines.add(new ProbeLine(name, "ACCEPTED: " + versionProblem, Level.FAIL));
                continue;
            }
            boolean outdated = policy == null && v.version() < 0x0303;
            probeLines.add(new ProbeLine(name, (outdated ? "ACCEPTED — an outdated protocol; " : "accepted: ")
                    + suites, outdated ? Level.WARN : Level.OK));
            if (policy != null) {
                for (int suite : v.suites()) {
                    String problem = policy.suiteProblem(suite);
                    if (problem != null) {
                        probeLines.add(new ProbeLine(name + " suite", problem, Level.FAIL));
                    }
                }
            }
        }
        if (!anyAccepted && !p.versions().isEmpty()) {
            probeLines.add(new ProbeLine("TLS", "no version accepted: the port does not speak TLS", Level.FAIL));
        }
        ProbeReport.CertificateCheck c = p.certificate();
        if (c != null) {
            String what = "certificate";
            probeLines.add(c.verified()
                    ? new ProbeLine(what, "verifies against " + c.trust() + ": " + c.explanation(), Level.OK)
                    : new ProbeLine(what, "FAILS against " + c.trust() + ": " + c.explanation(), Level.FAIL));
            X509Certificate leaf = c.chain().isEmpty() ? null : c.chain().get(0);
            if (leaf != null) {
                String host = p.target().substring(0, p.target().lastIndexOf(':'));
                TlsJudgement j = TlsJudgement.of(policy, -1, -1, leaf, host, inputs.now());
                for (String problem : j.problems()) {
                    probeLines.add(new ProbeLine(what, problem.replaceFirst("^certificate ", ""), Level.FAIL));
                }
                for (String warning : j.warnings()) {
                    probeLines.add(new ProbeLine(what, warning.replaceFirst("^certificate ", ""), Level.WARN));
                }
            }
        }
    }

    /** "3 suites: TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256", at most three named. */
    private static String suiteList(List<Integer> suites) {
        StringBuilder sb = new StringBuilder();
        sb.append(suites.size()).append(suites.size() == 1 ? " suite: " : " suites: ");
        for (int i = 0; i < suites.size() && i < 3; i++) {
            sb.append(i > 0 ? ", " : "").append(TlsNames.cipherSuite(suites.get(i)));
        }
        if (suites.size() > 3) {
            sb.append(", … (--format json lists all)");
        }
        return sb.toString();
    }

    private Verdict decide() {
        boolean plaintextServed = probeLines.stream().anyMatch(l -> l.what().equals("plaintext HTTP")
                && l.level() == Level.FAIL);
        if (plaintextServed || count(Judgement.READABLE) > 0) {
            return Verdict.NOT_ENCRYPTED;
        }
        if (count(Judgement.UNVERIFIED) > 0) {
            return Verdict.UNVERIFIED;
        }
        if (count(Judgement.WEAK_TLS) > 0 || probeLines.stream().anyMatch(l -> l.level() == Level.FAIL)) {
            return Verdict.WEAK_TLS;
        }
        if (inputs.traffic() != null) {
            return count(Judgement.ENCRYPTED) > 0 ? Verdict.ENCRYPTED : Verdict.NOTHING;
        }
        return inputs.probe() != null ? Verdict.ENCRYPTED : Verdict.NOTHING;
    }

    /** Connections so judged, listed or not (a flood's connections are counted, not kept). */
    public long count(Judgement j) {
        return connections.stream().filter(c -> c.judgement() == j).count() + unlisted(j);
    }

    /** Connections with data (the empty ones are not judged), listed or not. */
    public long judged() {
        return connections.stream().filter(c -> c.judgement() != Judgement.EMPTY).count() + unlistedWithData();
    }

    /** Connections with data that ended past the listed ones: counted in the verdict, not in {@link #connections()}. */
    public long unlistedWithData() {
        return inputs.traffic() == null ? 0 : inputs.traffic().unlistedWithData();
    }

    /** Every connection seen, listed or only counted. */
    public long total() {
        long n = connections.size();
        for (Judgement j : Judgement.values()) {
            n += unlisted(j);
        }
        return n;
    }

    private long unlisted(Judgement j) {
        EncryptionVerdict traffic = inputs.traffic();
        if (traffic == null) {
            return 0;
        }
        return switch (j) {
            case READABLE -> traffic.unlisted(FlowKind.READABLE);
            case UNVERIFIED -> traffic.unlisted(FlowKind.UNKNOWN);
            case INFO -> traffic.unlisted(FlowKind.INFO);
            case EMPTY -> traffic.unlisted(FlowKind.EMPTY);
            // judged against the policy when they ended (see EncryptionVerdict#ended)
            case ENCRYPTED -> traffic.unlisted(FlowKind.TLS) - traffic.unlistedFailingPolicy();
            case WEAK_TLS -> traffic.unlistedFailingPolicy();
        };
    }

    public Verdict verdict() {
        return verdict;
    }

    /**
     * The process's exit code: the verdict's, except 4 when a wrapped command failed and the check itself found
     * nothing wrong (0 or 3): plaintext on the wire is the bigger news.
     */
    public int exitCode() {
        LiveWindow.CommandOutcome command = command();
        if (command != null && command.failed() && verdict.exitCode() != 1) {
            return COMMAND_FAILED;
        }
        return verdict.exitCode();
    }

    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    public List<ProbeLine> probeLines() {
        return List.copyOf(probeLines);
    }

    public Inputs inputs() {
        return inputs;
    }

    public LiveWindow.CommandOutcome command() {
        return inputs.window() == null ? null : inputs.window().command();
    }

    /** How long the live window watched, or null for a file. */
    public Duration watched() {
        return inputs.window() == null ? null : inputs.window().watched();
    }
}
