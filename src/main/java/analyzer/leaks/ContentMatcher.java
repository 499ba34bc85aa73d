package analyzer.leaks;

import analyzer.dissect.ContentView;
import analyzer.dissect.HttpHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds what an eavesdropper takes away from a message's content views: the secrets given to it (in the bytes and
 * in every decoded form of them, see {@link ContentDecodings}), credentials by the name they travel under
 * (Authorization, Cookie, X-Api-Key, a {@code password} or {@code access_token} field in a query string, a form
 * or a JSON body) and by their format ({@link CredentialRules}). Stateless apart from its secrets; thread-safe.
 */
public final class ContentMatcher {

    /** Finds credentials and sessions only. */
    public static final ContentMatcher CREDENTIALS_ONLY = new ContentMatcher(List.of());

    private static final Pattern JSON_FIELD = Pattern.compile(
            "\"([A-Za-z0-9_.\\-]{1,64})\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,1024})\"");

    private final List<String> secrets;
    private final byte[][] patterns;

    /** @param secrets texts that must never be readable (check --secret); none empty */
    public ContentMatcher(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
        this.patterns = new byte[this.secrets.size()][];
        for (int i = 0; i < patterns.length; i++) {
            patterns[i] = this.secrets.get(i).getBytes(StandardCharsets.UTF_8);
            if (patterns[i].length == 0) {
                throw new IllegalArgumentException("an empty secret matches everything");
            }
        }
    }

    /** Everything found in one view: secrets first, then credentials and sessions, each value once. */
    public List<Exposure> scan(ContentView view) {
        List<Exposure> found = new ArrayList<>(2);
        secrets(view, found);
        credentials(view, true, found);
        return found;
    }

    /**
     * Credentials and sessions in the fields, the URL and forms only, not in bodies of other types: what a printer
     * can afford for every message it shows.
     */
    public static List<Exposure> credentialsInFieldsAndForms(ContentView view) {
        List<Exposure> found = new ArrayList<>(2);
        CREDENTIALS_ONLY.credentials(view, false, found);
        return found;
    }

    private void secrets(ContentView view, List<Exposure> found) {
        if (patterns.length == 0) {
            return;
        }
        Set<String> reported = new LinkedHashSet<>();
        for (HttpHeader field : view.fields()) {
            searchForms(field.value().getBytes(StandardCharsets.UTF_8), "in " + view.describe() + ", "
                    + field.name(), reported, found);
        }
        searchForms(view.bytes(), "in the " + view.describe(), reported, found);
    }

    private void searchForms(byte[] bytes, String where, Set<String> reported, List<Exposure> found) {
        if (bytes.length == 0) {
            return;
        }
        List<ContentDecodings.Form> forms = null;
        for (int s = 0; s < patterns.length; s++) {
            if (reported.contains(secrets.get(s))) {
                continue;
            }
            if (forms == null) {
                forms = ContentDecodings.of(bytes);
            }
            for (ContentDecodings.Form form : forms) {
                if (SecretScanner.indexOf(form.bytes(), 0, form.bytes().length, patterns[s]) >= 0) {
                    reported.add(secrets.get(s));
                    found.add(new Exposure(Exposure.Kind.SECRET, "secret", "\"" + secrets.get(s) + "\"", "",
                            form.decoding().isEmpty() ? where : where + " (" + form.decoding() + ")"));
                    break;
                }
            }
        }
    }

    private void credentials(ContentView view, boolean deep, List<Exposure> found) {
        for (HttpHeader field : view.fields()) {
            header(field, deep, found);
        }
        String media = view.mediaType() == null ? "" : view.mediaType();
        byte[] bytes = view.bytes();
        if (bytes.length == 0) {
            return;
        }
        boolean url = view.where().equals("URL");
        if (media.startsWith(ContentView.FORM)) {
            form(new String(bytes, StandardCharsets.UTF_8), url ? "in the URL" : "in the form", found);
        } else if (deep && (media.contains("json") || startsLikeJson(bytes))) {
            json(new String(bytes, StandardCharsets.UTF_8), "in the JSON " + view.describe(), found);
        }
        if (deep || url) {
            values(new String(bytes, StandardCharsets.UTF_8), url ? "in the URL" : "in the " + view.describe(),
                    found);
        }
    }

    private static void header(HttpHeader h, boolean deep, List<Exposure> found) {
        String name = h.name();
        String value = h.value();
        if (name.equalsIgnoreCase("authorization") || name.equalsIgnoreCase("proxy-authorization")) {
            int space = value.indexOf(' ');
            String scheme = space < 0 ? "" : value.substring(0, space + 1);
            add(found, new Exposure(Exposure.Kind.CREDENTIALS, "authorization", name + ": " + scheme,
                    value.substring(scheme.length()).strip(), ""));
        } else if (name.equalsIgnoreCase("cookie")) {
            add(found, new Exposure(Exposure.Kind.SESSION, "cookie", name + ": ", value, ""));
        } else if (name.equalsIgnoreCase("set-cookie")) {
            int semi = value.indexOf(';');
            add(found, new Exposure(Exposure.Kind.SESSION, "cookie", name + ": ",
                    semi < 0 ? value : value.substring(0, semi), ""));
        } else if (CredentialRules.credentialName(name) && !value.isBlank()) {
            add(found, new Exposure(Exposure.Kind.CREDENTIALS, "credential-header", name + ": ", value, ""));
        } else if (deep) {
            values(value, "in " + name, found);
        }
    }

    private static void form(String encoded, String where, List<Exposure> found) {
        for (String pair : encoded.split("&", 1024)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            field(urlDecoded(pair.substring(0, eq)), urlDecoded(pair.substring(eq + 1)), "=", where, found);
        }
    }

    private static void json(String text, String where, List<Exposure> found) {
        Matcher m = JSON_FIELD.matcher(text);
        for (int n = 0; m.find() && n < 1024; n++) {
            String value = new String(ContentDecodings.jsonUnescapedOrSame(m.group(2).getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
            field(m.group(1), value, "=", where, found);
        }
    }

    private static void field(String name, String value, String separator, String where, List<Exposure> found) {
        if (value.isEmpty()) {
            return;
        }
        if (CredentialRules.sessionName(name)) {
            add(found, new Exposure(Exposure.Kind.SESSION, "session-field", name + separator, value, where));
        } else if (CredentialRules.credentialName(name)) {
            String rule = CredentialRules.words(name).contains("token") ? "token-field" : "password-field";
            add(found, new Exposure(Exposure.Kind.CREDENTIALS, rule, name + separator, value, where));
        }
    }

    private static void values(String text, String where, List<Exposure> found) {
        for (CredentialRules.Match m : CredentialRules.findValues(text)) {
            add(found, new Exposure(Exposure.Kind.CREDENTIALS, m.rule().id(), m.rule().label(), m.value(), where));
        }
    }

    /** Adds unless the same value (or one containing it) was already reported: a Bearer JWT is one finding. */
    private static void add(List<Exposure> found, Exposure e) {
        for (Exposure f : found) {
            if (!e.value().isEmpty() && (f.value().contains(e.value()) || e.value().contains(f.value())
                    && !f.value().isEmpty()) && f.kind() != Exposure.Kind.SECRET) {
                return;
            }
        }
        found.add(e);
    }

    private static boolean startsLikeJson(byte[] b) {
        for (byte x : b) {
            if (x == ' ' || x == '\n' || x == '\r' || x == '\t') {
                continue;
            }
            return x == '{' || x == '[';
        }
        return false;
    }

    private static String urlDecoded(String s) {
        byte[] decoded = ContentDecodings.percentDecoded(s.getBytes(StandardCharsets.UTF_8));
        return decoded == null ? s : new String(decoded, StandardCharsets.UTF_8);
    }
}
