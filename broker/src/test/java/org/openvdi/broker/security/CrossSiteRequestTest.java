package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What another site can make a browser send changes nothing: cached Basic credentials and a signed-in
 * session alike. Forms (urlencoded, multipart, text/plain) are refused as not JSON (415), bodiless writes
 * from another origin as cross-site (403), a session without the CSRF token (403) whatever Authorization
 * header rides along. API clients with Basic credentials and no session keep working without a token.
 */
@BrokerTest
class CrossSiteRequestTest {

    static final String EVIL = "http://evil.example";
    static final Map<String, String> FROM_EVIL = Map.of("Origin", EVIL, "Sec-Fetch-Site", "cross-site");
    static final List<String> FORM_TYPES = List.of("application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz", "text/plain");

    @LocalServerPort
    int port;
    ApiClient admin;
    String host;
    String template;
    String templateName;

    @BeforeEach
    void cordonedHostAndPublishedTemplate() throws IOException {
        admin = new ApiClient(port, "admin", "demo");
        host = admin.post("/api/hosts", admin.write(Map.of("name", "h-" + UUID.randomUUID(), "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 1))).json().get("id").asText();
        assertThat(admin.post("/api/hosts/" + host + "/cordon", "{}").status()).isEqualTo(200);
        templateName = "t-" + UUID.randomUUID();
        template = admin.post("/api/templates", admin.write(Map.of("name", templateName, "vcpus", 1, "memoryMiB", 256)))
                .json().get("id").asText();
        admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", TestImages.image("csrf.img").toString())));
    }

    void assertNothingChanged() {
        assertThat(admin.get("/api/hosts/" + host).json().get("cordoned").asBoolean()).isTrue();
        assertThat(admin.get("/api/templates/" + template).json().toString()).doesNotContain("RETIRED");
        assertThat(admin.get("/api/templates").body()).doesNotContain("evil-");
    }

    Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put(name, value);
        return all;
    }

    void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
    }

    @Test
    void givenCachedBasicCredentials_whenAnotherSitePostsForms_thenEachIsRefusedAsNotJsonAndNothingChanges() {
        WebClient browser = new WebClient(port);
        for (Map<String, String> provenance : List.of(FROM_EVIL, Map.<String, String>of())) {
            Map<String, String> headers = with(provenance, "Authorization", WebClient.basic("admin", "demo"));
            for (String type : FORM_TYPES) {
                assertProblem(browser.send("POST", "/api/hosts/" + host + "/uncordon", headers, type, ""),
                        415, "UNSUPPORTED_MEDIA_TYPE");
                assertProblem(browser.send("POST", "/api/templates/" + template + "/versions/1/retire", headers, type,
                        "a=b"), 415, "UNSUPPORTED_MEDIA_TYPE");
                assertProblem(browser.send("POST", "/api/templates", headers, type,
                        "{\"name\":\"evil-1\",\"vcpus\":1,\"memoryMiB\":256}"), 415, "UNSUPPORTED_MEDIA_TYPE");
            }
        }
        assertNothingChanged();
    }

    @Test
    void givenCachedBasicCredentials_whenAnotherSitePostsATemplateDescriptor_thenFormsAre415AndYamlIsForbidden() {
        WebClient browser = new WebClient(port);
        String yaml = "name: evil-yaml\nhardware: {vcpus: 1, memoryMiB: 128}\nboot: {disk: {}}\n";
        String json = "{\"name\":\"evil-json\",\"hardware\":{\"vcpus\":1,\"memoryMiB\":128},\"boot\":{\"disk\":{}}}";
        Map<String, String> headers = with(FROM_EVIL, "Authorization", WebClient.basic("admin", "demo"));
        for (String type : FORM_TYPES) {
            assertProblem(browser.send("POST", "/api/templates", headers, type, yaml), 415, "UNSUPPORTED_MEDIA_TYPE");
            assertProblem(browser.send("POST", "/api/templates", headers, type, json), 415, "UNSUPPORTED_MEDIA_TYPE");
        }
        for (Map<String, String> provenance : List.of(FROM_EVIL, Map.of("Origin", EVIL), Map.of("Sec-Fetch-Site", "cross-site"))) {
            Map<String, String> foreign = with(provenance, "Authorization", WebClient.basic("admin", "demo"));
            assertProblem(browser.send("POST", "/api/templates", foreign, "application/yaml", yaml), 403, "FORBIDDEN");
            assertProblem(browser.send("POST", "/api/templates", foreign, "application/yaml; charset=utf-8", yaml),
                    403, "FORBIDDEN");
        }
        WebClient signedIn = new WebClient(port).signIn("admin", "demo");
        Map<String, String> page = Map.of("X-XSRF-TOKEN", signedIn.csrfToken(), "Origin", EVIL, "Sec-Fetch-Site", "cross-site");
        assertProblem(signedIn.send("POST", "/api/templates", page, "application/yaml", yaml), 403, "FORBIDDEN");
        assertThat(signedIn.send("POST", "/api/templates", Map.of(), "application/yaml", yaml).status()).isEqualTo(403);
        assertNothingChanged();
    }

    @Test
    void givenCachedBasicCredentials_whenAnotherSiteSendsBodilessWrites_thenForbiddenAndNothingChanges() {
        WebClient browser = new WebClient(port);
        String basic = WebClient.basic("admin", "demo");
        for (Map<String, String> provenance : List.of(FROM_EVIL, Map.of("Origin", EVIL), Map.of("Origin", "null"),
                Map.of("Sec-Fetch-Site", "cross-site"), Map.of("Sec-Fetch-Site", "same-site"))) {
            Map<String, String> headers = with(provenance, "Authorization", basic);
            assertProblem(browser.send("POST", "/api/hosts/" + host + "/uncordon", headers, null, null), 403, "FORBIDDEN");
            assertProblem(browser.send("POST", "/api/templates/" + template + "/versions/1/retire", headers, null, null),
                    403, "FORBIDDEN");
        }
        assertNothingChanged();
    }

    @Test
    void givenSignedInSession_whenWritingWithoutTheCsrfToken_thenForbiddenWhateverAuthorizationRidesAlong() {
        WebClient browser = new WebClient(port).signIn("admin", "demo");
        String json = "{\"name\":\"evil-2\",\"vcpus\":1,\"memoryMiB\":256}";
        for (String authorization : List.of("Bearer junk", "Basic junk", WebClient.basic("admin", "demo"),
                WebClient.basic("admin", "wrong"))) {
            Map<String, String> headers = Map.of("Authorization", authorization);
            Answer created = browser.send("POST", "/api/templates", headers, "application/json", json);
            assertThat(created.status()).as(authorization + ": " + created.body()).isIn(401, 403);
            assertThat(browser.send("POST", "/api/hosts/" + host + "/uncordon", headers, "application/json", "{}").status())
                    .isIn(401, 403);
        }
        assertThat(browser.send("POST", "/api/templates", Map.of(), "application/json", json).status()).isEqualTo(403);
        assertThat(browser.send("POST", "/api/templates/" + template + "/versions/1/retire", Map.of(), null, null)
                .status()).isEqualTo(403);
        assertNothingChanged();
    }

    @Test
    void givenSignedInSessionWithToken_whenThePageWrites_thenItWorksAndForeignOriginsAreStillRefused() {
        WebClient browser = new WebClient(port).signIn("admin", "demo");
        Map<String, String> page = Map.of("X-XSRF-TOKEN", browser.csrfToken(), "Origin", browser.base(),
                "Sec-Fetch-Site", "same-origin");
        assertProblem(browser.send("POST", "/api/hosts/" + host + "/uncordon",
                with(with(page, "Origin", EVIL), "Sec-Fetch-Site", "cross-site"), "application/json", "{}"), 403, "FORBIDDEN");
        assertThat(admin.get("/api/hosts/" + host).json().get("cordoned").asBoolean()).isTrue();

        Answer uncordoned = browser.send("POST", "/api/hosts/" + host + "/uncordon", page, "application/json", "{}");
        assertThat(uncordoned.status()).as(uncordoned.body()).isEqualTo(200);
        assertThat(uncordoned.json().get("cordoned").asBoolean()).isFalse();
        assertThat(browser.send("POST", "/logout", page, null, null).status()).isIn(204, 302);
        assertThat(browser.send("GET", "/api/me", Map.of(), null, null).status()).isEqualTo(401);
    }

    @Test
    void givenApiClientWithBasicAndNoSession_whenWritingJsonOrBodiless_thenNoTokenIsNeeded() {
        WebClient client = new WebClient(port);
        Map<String, String> basic = Map.of("Authorization", WebClient.basic("admin", "demo"));
        assertThat(client.send("POST", "/api/hosts/" + host + "/uncordon", basic, null, null).status()).isEqualTo(200);
        assertThat(client.send("POST", "/api/hosts/" + host + "/cordon", basic, "application/json", "{}").status())
                .isEqualTo(200);
        assertThat(client.send("POST", "/api/hosts/" + host + "/uncordon", with(basic, "Origin", client.base()),
                "application/merge-patch+json", "{}").status()).isEqualTo(200);
        assertThat(client.send("POST", "/api/templates", basic, "application/json; charset=utf-8",
                "{\"name\":\"ok-" + UUID.randomUUID() + "\",\"vcpus\":1,\"memoryMiB\":256}").status()).isEqualTo(201);
    }

    @Test
    void givenEmployeesAndAuditorWithCachedBasic_whenAnotherSiteWrites_thenRefusedBeforeAnyBusinessRule() {
        WebClient browser = new WebClient(port);
        String session = UUID.randomUUID().toString();
        for (String user : List.of("alice", "bob", "audrey", "admin")) {
            Map<String, String> headers = with(FROM_EVIL, "Authorization", WebClient.basic(user, "demo"));
            assertProblem(browser.send("POST", "/api/sessions", headers, "application/x-www-form-urlencoded",
                    "poolId=" + UUID.randomUUID()), 415, "UNSUPPORTED_MEDIA_TYPE");
            assertProblem(browser.send("POST", "/api/sessions/" + session + "/connect", headers, null, null),
                    403, "FORBIDDEN");
            assertProblem(browser.send("DELETE", "/api/sessions/" + session, headers, null, null), 403, "FORBIDDEN");
        }
        // the same requests from the broker's own pages reach the business rules
        Map<String, String> alice = Map.of("Authorization", WebClient.basic("alice", "demo"), "Origin", browser.base());
        assertThat(browser.send("DELETE", "/api/sessions/" + session, alice, null, null).code()).isEqualTo("SESSION_NOT_FOUND");
    }

    @Test
    void givenApiClientWithBearerTokenAndNoSession_whenWriting_thenNoCsrfCookieIsMadeAndOtherSitesAreStillRefused() {
        WebClient client = new WebClient(port);
        Answer issued = client.send("POST", "/api/tokens", Map.of("Authorization", WebClient.basic("admin", "demo")),
                "application/json", "{\"name\":\"script\",\"ttl\":\"PT1H\"}");
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        WebClient script = new WebClient(port);
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + issued.json().path("token").asText());

        Answer uncordoned = script.send("POST", "/api/hosts/" + host + "/uncordon", bearer, "application/json", "{}");
        assertThat(uncordoned.status()).as(uncordoned.body()).isEqualTo(200);
        assertThat(uncordoned.setCookies()).noneMatch(cookie -> cookie.startsWith("XSRF-TOKEN"));
        assertThat(script.send("GET", "/api/hosts/" + host, bearer, null, null).setCookies())
                .noneMatch(cookie -> cookie.startsWith("XSRF-TOKEN"));
        Answer cordoned = script.send("POST", "/api/hosts/" + host + "/cordon", bearer, null, null);
        assertThat(cordoned.status()).as(cordoned.body()).isEqualTo(200);

        // the same token from another site's page is refused before anything changes
        for (String type : FORM_TYPES) {
            assertProblem(script.send("POST", "/api/hosts/" + host + "/uncordon", with(FROM_EVIL, "Authorization",
                    bearer.get("Authorization")), type, "a=b"), 415, "UNSUPPORTED_MEDIA_TYPE");
        }
        assertProblem(script.send("POST", "/api/hosts/" + host + "/uncordon", with(FROM_EVIL, "Authorization",
                bearer.get("Authorization")), null, null), 403, "FORBIDDEN");
        assertNothingChanged();

        // a signed-in page still gets its token, and a Bearer token riding along does not excuse it from sending it
        WebClient browser = new WebClient(port).signIn("admin", "demo");
        assertThat(browser.csrfToken()).isNotBlank();
        assertThat(browser.send("POST", "/api/hosts/" + host + "/uncordon", bearer, "application/json", "{}").status())
                .isIn(401, 403);
        assertNothingChanged();
    }
}
