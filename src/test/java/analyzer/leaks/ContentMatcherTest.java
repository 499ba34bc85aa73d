package analyzer.leaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.ContentView;
import analyzer.dissect.HttpHeader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secrets however they are encoded, credentials by name and by format, each shown masked. */
class ContentMatcherTest {

    private static final ContentMatcher FLUFFY = new ContentMatcher(List.of("fluffy tail"));

    private static List<String> found(ContentMatcher matcher, ContentView view) {
        return matcher.scan(view).stream().map(e -> e.kind().label() + ": " + e.describe(false)).toList();
    }

    private static ContentView body(String text, String mediaType) {
        return new ContentView("request body", "", List.of(), text.getBytes(StandardCharsets.UTF_8), mediaType, false);
    }

    @Test
    void aSecretIsFoundInEveryEncoding() {
        assertEquals(List.of("secret: \"fluffy tail\" in the URL (URL-decoded)"),
                found(FLUFFY, ContentView.plain("URL", "/search?q=fluffy%20tail".getBytes(StandardCharsets.US_ASCII),
                        null)));
        assertEquals(List.of("secret: \"fluffy tail\" in the request body (URL-decoded)"),
                found(FLUFFY, body("note=fluffy+tail&x=1", ContentView.FORM)));
        String b64 = Base64.getEncoder().encodeToString("the fluffy tail!".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("secret: \"fluffy tail\" in the request body (base64-decoded)"),
                found(FLUFFY, body("{\"data\":\"" + b64 + "\"}", "application/json")));
        String urlSafe = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("??fluffy tail??>".getBytes(StandardCharsets.UTF_8));
        assertTrue(urlSafe.contains("_") || urlSafe.contains("-"), urlSafe);
        assertEquals(List.of("secret: \"fluffy tail\" in the request body (base64-decoded)"),
                found(FLUFFY, body("x " + urlSafe + " y", "text/plain")));
        assertEquals(List.of("secret: \"fluffy tail\" in the request body (JSON-unescaped)"),
                found(FLUFFY, body("{\"m\":\"fluffy\\u0020tail\"}", "application/json")));
        assertEquals(List.of("secret: \"fluffy tail\" in the response body (de-chunked, gzip)"),
                found(FLUFFY, new ContentView("response body", "de-chunked, gzip", List.of(),
                        "fluffy tail".getBytes(StandardCharsets.US_ASCII), "text/plain", false)));
        // Basic credentials hide the secret in base64 inside a header.
        String basic = Base64.getEncoder().encodeToString("alice:fluffy tail".getBytes(StandardCharsets.UTF_8));
        List<String> auth = found(FLUFFY, ContentView.fields("request headers",
                List.of(new HttpHeader("Authorization", "Basic " + basic))));
        assertEquals(List.of("secret: \"fluffy tail\" in request headers, Authorization (base64-decoded)",
                "credentials: Authorization: Basic " + basic.substring(0, 4) + "…"), auth);
        assertEquals(List.of(), found(FLUFFY, body("fluffy and a tail", "text/plain")));
    }

    @Test
    void credentialsAreFoundByTheNameTheyTravelUnder() {
        List<String> query = found(ContentMatcher.CREDENTIALS_ONLY, ContentView.plain("URL",
                "access_token=tok_5e8a9f&page=2&token_type=bearer&csrf_token=x1y2z3&apiKey=k3y5&JSESSIONID=ab12cd"
                        .getBytes(StandardCharsets.US_ASCII), ContentView.FORM));
        assertEquals(List.of("credentials: access_token=tok_… in the URL", "credentials: apiKey=k3… in the URL",
                "session: JSESSIONID=ab1… in the URL"), query);
        List<String> headers = found(ContentMatcher.CREDENTIALS_ONLY, ContentView.fields("request headers", List.of(
                new HttpHeader("X-Api-Key", "0123456789abcdef"), new HttpHeader("X-Request-Id", "42"),
                new HttpHeader("Cookie", "session=7f3a9c0d11; theme=dark"),
                new HttpHeader("Private-Token", "s3cr3t-value"))));
        assertEquals(List.of("credentials: X-Api-Key: 0123…", "session: Cookie: session=7f3a…; theme=da…",
                "credentials: Private-Token: s3cr…"), headers);
        List<String> json = found(ContentMatcher.CREDENTIALS_ONLY,
                body("{\"user\":\"alice\",\"password\":\"wonderland\",\"client_secret\":\"c5\\\"x\"}",
                        "application/json"));
        assertEquals(List.of("credentials: password=wond… in the JSON request body",
                "credentials: client_secret=c5… in the JSON request body"), json);
    }

    @Test
    void wellKnownTokenFormatsAreFoundAnywhere() {
        String jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6ImFsaWNlIn0"
                + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        String github = "ghp_" + "a".repeat(20) + "B".repeat(16);
        String text = "aws_key AKIAIOSFODNN7ABCDEFG then " + github + " and auth " + jwt + "\n"
                + "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\n"
                + "Authorization: Bearer abcdefgh12345678";
        List<String> found = found(ContentMatcher.CREDENTIALS_ONLY, body(text, "text/plain"));
        assertEquals(List.of("credentials: AWS access key ID AKIA… in the request body",
                "credentials: GitHub token ghp_… in the request body",
                "credentials: JWT eyJh… in the request body",
                "credentials: -----BEGIN RSA PRIVATE KEY----- MIIE… in the request body",
                "credentials: Bearer abcd… in the request body"), found);
        // A Bearer JWT in the Authorization header is one finding, not two.
        assertEquals(List.of("credentials: Authorization: Bearer eyJh…"), found(ContentMatcher.CREDENTIALS_ONLY,
                ContentView.fields("request headers", List.of(new HttpHeader("Authorization", "Bearer " + jwt)))));
        assertEquals(List.of(), found(ContentMatcher.CREDENTIALS_ONLY,
                body("They say the key is ghp_short and AKIA is a prefix; eyes.eyes.eyes", "text/plain")));
    }

    @Test
    void valuesAreShownInFullOnlyWhenAsked() {
        Exposure e = ContentMatcher.CREDENTIALS_ONLY.scan(ContentView.plain("URL",
                "password=wonderland".getBytes(StandardCharsets.US_ASCII), ContentView.FORM)).get(0);
        assertEquals("password=wond… in the URL", e.describe(false));
        assertEquals("password=wonderland in the URL", e.describe(true));
        assertFalse(e.describe(false).contains("wonderland"));
    }

    @Test
    void namesAreSplitIntoWords() {
        assertEquals(List.of("x", "auth", "token"), CredentialRules.words("X-Auth-Token"));
        assertEquals(List.of("client", "secret"), CredentialRules.words("clientSecret"));
        assertTrue(CredentialRules.credentialName("db_password"));
        assertTrue(CredentialRules.credentialName("AWS_SECRET_ACCESS_KEY"));
        assertFalse(CredentialRules.credentialName("author"));
        assertFalse(CredentialRules.credentialName("token_type"));
        assertFalse(CredentialRules.credentialName("X-CSRF-Token"));
        assertFalse(CredentialRules.credentialName("keyboard"));
    }
}
