package analyzer.dissect;

/** level 1 = warning, 2 = fatal; description per RFC 8446 section 6 (48 = unknown_ca). */
public record TlsAlert(int level, int description) {
}
