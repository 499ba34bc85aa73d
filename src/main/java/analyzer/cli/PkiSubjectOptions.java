package analyzer.cli;

import analyzer.pki.SubjectName;
import picocli.CommandLine.Option;

/** The parts of a subject name besides the common name, with defaults that read well in a workshop. */
public final class PkiSubjectOptions {

    @Option(names = "--org", paramLabel = "NAME", defaultValue = "Secret Squirrels",
            description = "Organization (O) (default: ${DEFAULT-VALUE}; \"\" leaves it out).")
    String organization;

    @Option(names = "--country", paramLabel = "CC", defaultValue = "US",
            description = "Two-letter country code (C) (default: ${DEFAULT-VALUE}; \"\" leaves it out).")
    String country;

    @Option(names = "--state", paramLabel = "NAME", defaultValue = "Maryland",
            description = "State or province (ST) (default: ${DEFAULT-VALUE}; \"\" leaves it out).")
    String state;

    @Option(names = "--locality", paramLabel = "NAME", defaultValue = "Baltimore",
            description = "City (L) (default: ${DEFAULT-VALUE}; \"\" leaves it out).")
    String locality;

    SubjectName withCommonName(String commonName) {
        try {
            return new SubjectName(commonName, organization, country, state, locality);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
