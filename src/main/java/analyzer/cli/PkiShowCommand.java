package analyzer.cli;

import analyzer.pki.CertificateSummary;
import analyzer.pki.Pem;
import analyzer.pki.PkiException;
import analyzer.pki.RequestSummary;
import analyzer.report.JsonWriter;
import analyzer.report.Style;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Print what a certificate, a chain or a CSR says.",
            "Who it stands for, who vouches for it and when, the names clients check,",
            "the key, the SHA-256 fingerprint, and what it may be used for."},
        footer = {"", "Examples:",
            "  analyzer pki show ca-public-key.pem",
            "  analyzer pki show server-csr.pem --format json"})
public final class PkiShowCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "A PEM (or DER) certificate, a chain, or a PEM CSR.")
    Path file;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text for people, json for scripts: one object per certificate per line"
                    + " (default: ${DEFAULT-VALUE}).")
    OutputOptions.Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = format == OutputOptions.Format.json ? spec.commandLine().getOut()
                : Main.fitted(spec, spec.commandLine().getOut());
        Style style = Style.forTerminal();
        try {
            switch (Pem.kindOf(file)) {
                case CERTIFICATE -> {
                    List<X509Certificate> certificates = Pem.readCertificates(file);
                    for (int i = 0; i < certificates.size(); i++) {
                        CertificateSummary summary = CertificateSummary.describe(certificates.get(i));
                        if (format == OutputOptions.Format.json) {
                            out.println(json(summary, i + 1));
                        } else {
                            if (i > 0) {
                                out.println();
                            }
                            printCertificate(out, style, summary, i + 1, certificates.size());
                        }
                    }
                }
                case CSR -> {
                    RequestSummary summary = RequestSummary.describe(Pem.readCsr(file));
                    if (format == OutputOptions.Format.json) {
                        out.println(json(summary));
                    } else {
                        printRequest(out, style, summary);
                    }
                }
                case PRIVATE_KEY -> throw new UserError(file + " holds a private key; show reads certificates and CSRs",
                        "A private key is never shown: anyone who sees it can act as its owner.");
                default -> throw new UserError(file + " holds neither a certificate nor a CSR");
            }
        } catch (PkiException e) {
            throw PkiFiles.error(e);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void printCertificate(PrintWriter out, Style style, CertificateSummary c, int index, int count) {
        out.println(style.bold(file + " — " + (c.certificateAuthority() ? "CA certificate" : "certificate")
                + (count > 1 ? " " + index + " of " + count : "")));
        String voucher = c.selfSigned() ? "on its own word (self-signed)"
                : "on the word of " + PkiFiles.shortName(c.issuer());
        out.println("  From " + PkiFiles.when(c.notBefore()) + " to " + PkiFiles.when(c.notAfter()) + ", this is "
                + PkiFiles.shortName(c.subject()) + ", " + voucher + ".");
        row(out, "subject", c.subject());
        row(out, "issuer", c.issuer());
        row(out, "valid", PkiFiles.when(c.notBefore()) + " → " + PkiFiles.when(c.notAfter()) + "  "
                + validity(style, c, Instant.now()));
        row(out, "names", c.subjectAltNames().isEmpty() ? "none (no subject alternative names)"
                : String.join(", ", c.subjectAltNames()));
        row(out, "public key", c.publicKey());
        row(out, "CA", c.certificateAuthority()
                ? "yes, may sign certificates" + (c.pathLength() >= 0 ? " (path length " + c.pathLength() + ")" : "")
                : "no");
        row(out, "key usage", c.keyUsages().isEmpty() ? "not restricted" : String.join(", ", c.keyUsages()));
        if (!c.extendedKeyUsages().isEmpty()) {
            row(out, "extended", String.join(", ", c.extendedKeyUsages()));
        }
        row(out, "serial", c.serialNumber());
        row(out, "signature", c.signatureAlgorithm());
        row(out, "SHA-256", c.sha256Fingerprint());
    }

    private void printRequest(PrintWriter out, Style style, RequestSummary r) {
        out.println(style.bold(file + " — certificate signing request"));
        out.println("  " + PkiFiles.shortName(r.subject()) + " asks a CA to vouch for it"
                + (r.subjectAltNames().isEmpty() ? "." : " as " + String.join(", ", r.subjectAltNames()) + "."));
        row(out, "subject", r.subject());
        row(out, "names", r.subjectAltNames().isEmpty() ? "none (no subject alternative names)"
                : String.join(", ", r.subjectAltNames()));
        row(out, "public key", r.publicKey());
        row(out, "signature", r.signatureAlgorithm() + ", " + (r.signatureValid()
                ? style.green("verifies (unaltered since it was made)")
                : style.red("DOES NOT VERIFY (altered or damaged; a CA must refuse it)")));
    }

    private static String validity(Style style, CertificateSummary c, Instant now) {
        if (now.isBefore(c.notBefore())) {
            return style.yellow("(not valid yet: starts in " + span(Duration.between(now, c.notBefore())) + ")");
        }
        if (now.isAfter(c.notAfter())) {
            return style.red("(EXPIRED " + span(Duration.between(c.notAfter(), now)) + " ago)");
        }
        return style.green("(valid now, " + span(Duration.between(now, c.notAfter())) + " left)");
    }

    private static String span(Duration d) {
        if (d.toDays() >= 2) {
            return d.toDays() + " days";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + " hours";
        }
        return Math.max(1, d.toMinutes()) + " minutes";
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("  %-11s %s%n", label, value);
    }

    private String json(CertificateSummary c, int index) {
        StringBuilder sb = new StringBuilder();
        JsonWriter json = new JsonWriter(sb).begin()
                .field("file", file.toString())
                .field("kind", "certificate")
                .field("index", index)
                .field("subject", c.subject())
                .field("issuer", c.issuer())
                .field("serial", c.serialNumber())
                .field("not_before", c.notBefore().toString())
                .field("not_after", c.notAfter().toString())
                .field("valid_now", c.validAt(Instant.now()));
        strings(json, "san", c.subjectAltNames());
        json.field("public_key", c.publicKey())
                .field("signature_algorithm", c.signatureAlgorithm())
                .field("sha256", c.sha256Fingerprint())
                .field("ca", c.certificateAuthority())
                .field("self_signed", c.selfSigned());
        strings(json, "key_usage", c.keyUsages());
        strings(json, "extended_key_usage", c.extendedKeyUsages());
        json.end();
        return sb.toString();
    }

    private String json(RequestSummary r) {
        StringBuilder sb = new StringBuilder();
        JsonWriter json = new JsonWriter(sb).begin()
                .field("file", file.toString())
                .field("kind", "csr")
                .field("subject", r.subject());
        strings(json, "san", r.subjectAltNames());
        json.field("public_key", r.publicKey())
                .field("signature_algorithm", r.signatureAlgorithm())
                .field("signature_valid", r.signatureValid())
                .end();
        return sb.toString();
    }

    private static void strings(JsonWriter json, String name, List<String> values) {
        json.beginArray(name);
        for (String value : values) {
            json.value(value);
        }
        json.endArray();
    }
}
