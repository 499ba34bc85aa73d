package analyzer.cli;

import analyzer.pki.PkiException;
import analyzer.pki.SubjectAltNames;
import analyzer.pki.SubjectName;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Who a server certificate is for: its subject, and the names and addresses clients will check. */
public final class PkiServerNameOptions {

    @Option(names = "--cn", paramLabel = "NAME", defaultValue = "localhost",
            description = "Common name (CN) of the server (default: ${DEFAULT-VALUE}).")
    String commonName;

    @Option(names = "--san", paramLabel = "LIST", defaultValue = PkiFiles.DEFAULT_SANS,
            description = "Subject alternative names, the names clients check: DNS:name and IP:address, comma"
                    + " separated (default: ${DEFAULT-VALUE}).")
    String sans;

    @Mixin
    PkiSubjectOptions subject;

    SubjectName subjectName() {
        return subject.withCommonName(commonName);
    }

    List<String> subjectAltNames() {
        try {
            return SubjectAltNames.parse(sans);
        } catch (PkiException e) {
            throw PkiFiles.error(e);
        }
    }
}
