package analyzer.check;

import analyzer.check.CheckReport.Connection;
import analyzer.check.CheckReport.Judgement;
import analyzer.check.CheckReport.Level;
import analyzer.check.CheckReport.ProbeLine;
import analyzer.report.EncryptionVerdict.Finding;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A check as JUnit XML, the format Jenkins, GitLab and GitHub test reporters read: one test case per connection
 * (failed when readable, unverifiable or weak), one per finding on it (credentials, secrets, policy problems: each a
 * failure carrying its evidence), one per probe answer, one for the wrapped command, and one for the verdict. Written
 * with the JDK's {@link XMLStreamWriter}; replaced atomically so a reader never sees half a file.
 */
public final class JUnitReport {

    private JUnitReport() {
    }

    public static void write(CheckReport report, Path file) throws IOException {
        Path tmp = file.toAbsolutePath().resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            write(report, xml);
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write XML: " + e.getMessage(), e);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private record Case(String classname, String name, String failureType, String message, String evidence,
                        String output) {
    }

    private static void write(CheckReport report, XMLStreamWriter xml) throws XMLStreamException {
        List<Case> cases = new java.util.ArrayList<>();
        for (Connection c : report.connections()) {
            if (c.judgement() == Judgement.EMPTY) {
                continue;
            }
            String name = "#" + c.flow().id() + " " + c.flow().client() + " → " + c.flow().server()
                    + (c.servicePort() ? "" : " (other port)");
            boolean failed = c.judgement() != Judgement.ENCRYPTED && c.judgement() != Judgement.INFO;
            StringBuilder evidence = new StringBuilder(c.summary()).append('\n');
            for (Finding f : c.findings()) {
                evidence.append(f.kind()).append(": ").append(f.detail()).append(CheckTextReport.frames(f.frames()))
                        .append('\n');
            }
            for (String p : c.problems()) {
                evidence.append("policy: ").append(p).append('\n');
            }
            String warnings = String.join("\n", c.warnings());
            cases.add(new Case("check.connection", name, failed ? c.judgement().tag().toLowerCase(Locale.ROOT)
                    .replace(' ', '_') : null, c.judgement().tag() + ": " + c.summary(), evidence.toString(),
                    warnings));
            for (Finding f : c.findings()) {
                if (f.kind().equals("requests") || c.judgement() == Judgement.INFO) {
                    continue;
                }
                String evidenceLine = f.detail() + CheckTextReport.frames(f.frames());
                cases.add(new Case("check.finding", "#" + c.flow().id() + " " + f.kind() + ": " + evidenceLine,
                        f.kind().equals("inside TLS") ? null : f.kind(), f.kind() + " readable on the wire",
                        name + "\n" + evidenceLine, null));
            }
            for (String p : c.problems()) {
                cases.add(new Case("check.policy", "#" + c.flow().id() + " " + p, "policy", p, name + "\n" + p, null));
            }
        }
        CheckReport.Inputs in = report.inputs();
        if (in.probeError() != null) {
            cases.add(new Case("check.probe", in.probeTarget(), "unreachable", in.probeError(), in.probeError(), null));
        }
        for (ProbeLine line : report.probeLines()) {
            cases.add(new Case("check.probe", in.probeTarget() + " " + line.what() + ": " + line.answer(),
                    line.level() == Level.FAIL ? "probe" : null, line.answer(), line.what() + ": " + line.answer(),
                    line.level() == Level.WARN ? "warning: " + line.answer() : null));
        }
        LiveWindow.CommandOutcome command = report.command();
        if (command != null) {
            cases.add(new Case("check.command", String.join(" ", command.argv()), command.failed() ? "command" : null,
                    "the command " + command.describe(), "the command " + command.describe(), null));
        }
        String headline = report.verdict().label() + " — exit " + report.exitCode() + ": "
                + CheckTextReport.exitMeaning(report);
        cases.add(new Case("check", "verdict", report.exitCode() == 0 ? null : report.verdict().key(), headline,
                CheckTextReport.render(report, analyzer.report.Style.PLAIN, List.of()), null));

        long failures = cases.stream().filter(c -> c.failureType() != null).count();
        String seconds = seconds(report.watched());
        xml.writeStartDocument("UTF-8", "1.0");
        xml.writeCharacters("\n");
        xml.writeStartElement("testsuites");
        xml.writeAttribute("name", "analyzer check");
        xml.writeAttribute("tests", String.valueOf(cases.size()));
        xml.writeAttribute("failures", String.valueOf(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("time", seconds);
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", clean("analyzer check" + (in.source() != null ? ": " + in.source() : "")));
        xml.writeAttribute("tests", String.valueOf(cases.size()));
        xml.writeAttribute("failures", String.valueOf(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", "0");
        xml.writeAttribute("time", seconds);
        xml.writeAttribute("timestamp", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                in.now().atOffset(ZoneOffset.UTC).withNano(0)));
        xml.writeAttribute("hostname", hostname());
        xml.writeCharacters("\n    ");
        xml.writeStartElement("properties");
        property(xml, "verdict", report.verdict().key());
        property(xml, "exit_code", String.valueOf(report.exitCode()));
        if (in.policy() != null) {
            property(xml, "policy", in.policy().key() + " (" + TlsPolicy.GUIDELINES + ")");
        }
        xml.writeCharacters("\n    ");
        xml.writeEndElement();
        for (Case c : cases) {
            xml.writeCharacters("\n    ");
            xml.writeStartElement("testcase");
            xml.writeAttribute("classname", c.classname());
            xml.writeAttribute("name", clean(c.name()));
            xml.writeAttribute("time", "0");
            if (c.failureType() != null) {
                xml.writeStartElement("failure");
                xml.writeAttribute("type", c.failureType());
                xml.writeAttribute("message", clean(c.message()));
                xml.writeCharacters(clean(c.evidence()));
                xml.writeEndElement();
            }
            if (c.output() != null && !c.output().isEmpty()) {
                xml.writeStartElement("system-out");
                xml.writeCharacters(clean(c.output()));
                xml.writeEndElement();
            }
            xml.writeEndElement();
        }
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
        xml.writeCharacters("\n");
        xml.writeEndElement();
        xml.writeCharacters("\n");
        xml.writeEndDocument();
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeCharacters("\n      ");
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", clean(value));
    }

    private static String seconds(Duration d) {
        return d == null ? "0" : String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Text XML 1.0 can carry: control characters (a binary sample, say) written as \\uXXXX. */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean bad = c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xfffe || c == 0xffff
                    || Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)) || Character.isLowSurrogate(c) && i > 0
                    && Character.isHighSurrogate(text.charAt(i - 1)));
            if (bad && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (bad) {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}
