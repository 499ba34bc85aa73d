package analyzer.dissect;

public record HttpHeader(String name, String value) {
}
