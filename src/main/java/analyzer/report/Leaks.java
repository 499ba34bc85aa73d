package analyzer.report;

import analyzer.dissect.CarriesContent;
import analyzer.dissect.ContentView;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpRequestSeen;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.leaks.ContentMatcher;
import analyzer.leaks.Exposure;
import analyzer.leaks.SecretScanner;
import java.util.ArrayList;
import java.util.List;

/**
 * What an eavesdropper takes away from one plaintext HTTP message besides its request line, as the printers show it:
 * credentials (Authorization and API-key headers, password and token fields in a form or a query string, tokens of
 * known formats in the URL or a header) and session tokens (Cookie, Set-Cookie). Values are shortened so a projector
 * does not show a whole password; the point is that it travelled in clear. {@code check} searches bodies more deeply
 * through {@link ContentMatcher#scan}.
 */
public final class Leaks {

    /** What kind of secret travelled in clear. */
    public enum Kind {
        CREDENTIALS("credentials"), SESSION("session");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** @param detail what was seen, shortened, e.g. {@code password=wo…} or {@code Cookie: session=7f3a…} */
    public record Leak(Kind kind, String detail) {
    }

    private Leaks() {
    }

    public static List<Leak> of(HttpRequestSeen request) {
        return of(request, false);
    }

    public static List<Leak> of(HttpResponseSeen response) {
        return of(response, false);
    }

    /** @param showSecrets the values whole (--show-secrets) rather than a recognisable prefix */
    public static List<Leak> of(HttpRequestSeen request, boolean showSecrets) {
        return of((CarriesContent) request, request.body().text(), showSecrets);
    }

    public static List<Leak> of(HttpResponseSeen response, boolean showSecrets) {
        return of((CarriesContent) response, response.body().text(), showSecrets);
    }

    /**
     * Credentials in data of no known protocol (a UDP datagram, a raw stream's bytes), found by their format or the
     * name they travel under in JSON ({@code "password": …}, a GitHub token, a bearer token); the preview only.
     */
    public static List<Leak> of(RawDataSeen data, boolean showSecrets) {
        if (data.preview().length == 0) {
            return List.of();
        }
        ContentView view = new ContentView(data.flow().udp() ? "datagram" : "data", "", List.of(), data.preview(),
                null, data.flow().insideTls());
        List<Leak> leaks = new ArrayList<>(0);
        for (Exposure e : ContentMatcher.CREDENTIALS_ONLY.scan(view)) {
            leaks.add(new Leak(e.kind() == Exposure.Kind.SESSION ? Kind.SESSION : Kind.CREDENTIALS,
                    e.describe(showSecrets)));
        }
        return leaks;
    }

    private static List<Leak> of(CarriesContent message, boolean textBody, boolean showSecrets) {
        List<Leak> leaks = new ArrayList<>(0);
        for (ContentView view : message.contentViews()) {
            if (!textBody && view.where().endsWith("body")) {
                continue;
            }
            for (Exposure e : ContentMatcher.credentialsInFieldsAndForms(view)) {
                leaks.add(new Leak(e.kind() == Exposure.Kind.SESSION ? Kind.SESSION : Kind.CREDENTIALS,
                        e.describe(showSecrets)));
            }
        }
        return leaks;
    }

    /** Whether the body text contains {@code secret}; bodies are searched after content decoding. */
    public static boolean bodyContains(HttpBody body, byte[] secret) {
        return SecretScanner.indexOf(body.shown(), 0, body.shown().length, secret) >= 0;
    }
}
