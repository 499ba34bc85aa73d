package analyzer.leaks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What counts as a credential: by the name it travels under (a header, a query or form field, a JSON key) and by
 * the look of its value. The value formats follow gitleaks' default rule set (config/gitleaks.toml: aws-access-token,
 * github-pat, github-oauth, github-app-token, github-refresh-token, github-fine-grained-pat, gitlab-pat,
 * slack-bot-token / slack-user-token, stripe-access-token, gcp-api-key, npm-access-token, jwt, private-key), each
 * anchored on its fixed prefix so ordinary text does not match.
 */
public final class CredentialRules {

    /** A value format recognised wherever it appears. */
    public record ValueRule(String id, String label, Pattern pattern) {
    }

    static final List<ValueRule> VALUE_RULES = List.of(
            new ValueRule("aws-access-key", "AWS access key ID ",
                    Pattern.compile("\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b")),
            new ValueRule("github-token", "GitHub token ",
                    Pattern.compile("\\b((?:ghp|gho|ghu|ghs|ghr)_[0-9a-zA-Z]{36}|github_pat_\\w{82})\\b")),
            new ValueRule("gitlab-token", "GitLab token ", Pattern.compile("\\b(glpat-[\\w-]{20})\\b")),
            new ValueRule("slack-token", "Slack token ",
                    Pattern.compile("\\b(xox[bpears]-[0-9]{10,13}-[0-9a-zA-Z-]{10,})")),
            new ValueRule("stripe-key", "Stripe key ",
                    Pattern.compile("\\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})\\b")),
            new ValueRule("google-api-key", "Google API key ", Pattern.compile("\\b(AIza[\\w-]{35})(?![\\w-])")),
            new ValueRule("npm-token", "npm token ", Pattern.compile("\\b(npm_[a-zA-Z0-9]{36})\\b")),
            new ValueRule("jwt", "JWT ",
                    Pattern.compile("\\b(ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9/\\\\_-]{17,}\\.(?:[a-zA-Z0-9/\\\\_-]{10,}={0,2})?)")),
            new ValueRule("private-key", "PEM private key ",
                    Pattern.compile("(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)\\s*([A-Za-z0-9+/=]{0,64})")),
            new ValueRule("bearer", "Bearer ",
                    Pattern.compile("(?i)\\bbearer\\s+([A-Za-z0-9\\-._~+/]{8,}=*)")));

    /** Cheap test before the rules run: every rule's match contains one of these (lower-cased). */
    private static final String[] KEYWORDS = {"akia", "asia", "abia", "acca", "a3t", "gh", "glpat-", "xox", "sk_",
        "rk_", "aiza", "npm_", "ey", "private key", "bearer"};
    private static final String KEYWORD_STARTS = "aghxsrnepb";

    /** Last words of a name that make its value a credential: access_token, apiKey, X-Auth-Token, db_password. */
    private static final Set<String> CREDENTIAL_WORDS = Set.of("password", "passwd", "pass", "pwd", "passphrase",
            "secret", "token", "apikey", "auth", "credential", "credentials", "pin");
    private static final Set<String> CREDENTIAL_PAIRS = Set.of("api_key", "access_key", "private_key", "secret_key",
            "client_secret", "auth_key", "signing_key", "master_key");
    /** Tokens that protect a form rather than identify anyone: not credentials. */
    private static final Set<String> NOT_CREDENTIALS = Set.of("csrf", "xsrf", "type", "expires", "expiry", "length",
            "name", "hint", "id", "url", "uri", "endpoint", "count", "policy", "reset", "format");
    private static final Set<String> SESSION_NAMES = Set.of("session", "sessionid", "session_id", "sid", "jsessionid",
            "phpsessid", "asp.net_sessionid");

    private CredentialRules() {
    }

    /** Decisions on names seen before: a capture repeats the same few header and field names all along. */
    private static final java.util.Map<String, Boolean> KNOWN_NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Whether a field of this name carries a credential: {@code access_token}, {@code apiKey}, {@code X-Api-Key}. */
    public static boolean credentialName(String name) {
        Boolean known = KNOWN_NAMES.get(name);
        if (known != null) {
            return known;
        }
        boolean decision = judgeName(name);
        if (KNOWN_NAMES.size() < 4096) {
            KNOWN_NAMES.put(name, decision);
        }
        return decision;
    }

    private static boolean judgeName(String name) {
        List<String> words = words(name);
        if (words.isEmpty()) {
            return false;
        }
        String last = words.get(words.size() - 1);
        if (NOT_CREDENTIALS.contains(last) || words.contains("csrf") || words.contains("xsrf")) {
            return false;
        }
        if (CREDENTIAL_WORDS.contains(last)) {
            return true;
        }
        return words.size() >= 2 && CREDENTIAL_PAIRS.contains(words.get(words.size() - 2) + "_" + last);
    }

    /** Whether a field of this name carries a session identifier: {@code JSESSIONID}, {@code session_id}. */
    public static boolean sessionName(String name) {
        return SESSION_NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** "X-Auth-Token" → [x, auth, token]; "apiKey" → [api, key]; "access_token" → [access, token]. */
    static List<String> words(String name) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < name.length() && i < 128; i++) {
            char c = name.charAt(i);
            boolean boundary = Character.isUpperCase(c) && i > 0 && Character.isLowerCase(name.charAt(i - 1));
            if (!Character.isLetterOrDigit(c) || boundary) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                if (!Character.isLetterOrDigit(c)) {
                    continue;
                }
            }
            word.append(Character.toLowerCase(c));
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    /** A credential of a known format found in text. */
    public record Match(ValueRule rule, String value) {
    }

    /** Every credential of a known format in the text, in rule order (at most 32). */
    public static List<Match> findValues(CharSequence text) {
        if (text instanceof String s && s.equals(lastWithoutKeyword)) {
            return List.of();
        }
        if (!mayContainValue(text)) {
            if (text instanceof String s) {
                lastWithoutKeyword = s;
            }
            return List.of();
        }
        List<Match> found = new ArrayList<>(2);
        for (ValueRule rule : VALUE_RULES) {
            Matcher m = rule.pattern().matcher(text);
            while (m.find() && found.size() < 32) {
                if (rule.id().equals("private-key")) {
                    // The header names the key's type and is no secret; the key material after it is.
                    found.add(new Match(new ValueRule(rule.id(), m.group(1) + " ", rule.pattern()), m.group(2)));
                } else {
                    found.add(new Match(rule, m.group(1)));
                }
            }
        }
        return found;
    }

    /**
     * The last text found to hold no keyword: printers scan the URL of every request, and a connection asks for the
     * same path again and again. A race between threads only costs a scan.
     */
    private static String lastWithoutKeyword;

    /** Whether one of the rules' keywords occurs, case-insensitively, without copying the text. */
    private static boolean mayContainValue(CharSequence text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 128 || !KEYWORD_START[c]) {
                continue;
            }
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            for (String k : KEYWORDS) {
                if (k.charAt(0) == lower && startsWithLowered(text, i, k)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The first characters of the keywords, in both cases: most characters of a text start none. */
    private static final boolean[] KEYWORD_START = new boolean[128];

    static {
        for (char c : KEYWORD_STARTS.toCharArray()) {
            KEYWORD_START[c] = true;
            KEYWORD_START[Character.toUpperCase(c)] = true;
        }
    }

    /** Whether {@code text} has {@code keyword} (lower case) at {@code at}, its ASCII letters in either case. */
    private static boolean startsWithLowered(CharSequence text, int at, String keyword) {
        if (at + keyword.length() > text.length()) {
            return false;
        }
        for (int j = 0; j < keyword.length(); j++) {
            char c = text.charAt(at + j);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != keyword.charAt(j)) {
                return false;
            }
        }
        return true;
    }
}
