package analyzer.proxy;

import java.util.List;

/**
 * The rewrites the attacker applies to what it relays. Responses: body replacements and header rules
 * (--replace, --set-header, --drop-header); requests likewise (--replace-request, --set-request-header,
 * --drop-request-header).
 */
public record TamperRules(List<BodyReplacement> responseBody, List<HeaderRule> responseHeaders,
                          List<BodyReplacement> requestBody, List<HeaderRule> requestHeaders) {

    public static final TamperRules NONE = new TamperRules(List.of(), List.of(), List.of(), List.of());

    public TamperRules {
        responseBody = List.copyOf(responseBody);
        responseHeaders = List.copyOf(responseHeaders);
        requestBody = List.copyOf(requestBody);
        requestHeaders = List.copyOf(requestHeaders);
    }

    /** Only --replace rules on response bodies, the common case. */
    public static TamperRules replaceInResponses(BodyReplacement... replacements) {
        return new TamperRules(List.of(replacements), List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return responseBody.isEmpty() && responseHeaders.isEmpty() && requestBody.isEmpty() && requestHeaders.isEmpty();
    }

    public boolean touchesRequests() {
        return !requestBody.isEmpty() || !requestHeaders.isEmpty();
    }

    public boolean touchesResponses() {
        return !responseBody.isEmpty() || !responseHeaders.isEmpty();
    }
}
