package org.openvdi.broker.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The published OpenAPI document at {@code /v3/api-docs}: what the API is, how a client signs in (HTTP Basic, an
 * API token, the browser's session cookie with its CSRF header, and OpenID Connect when an issuer is configured),
 * its tags, and the problem shape every refusal has. {@link ProblemResponses} adds each operation's real refusals.
 * Only {@code /api/**} is published; internal endpoints are left out (application.yml, {@code springdoc}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpenApiProperties.class)
class OpenApiConfiguration {

    static final String BASIC = "basic";
    static final String API_TOKEN = "apiToken";
    static final String SESSION = "session";
    static final String CSRF = "csrf";
    static final String OIDC = "oidc";
    static final String PROBLEM = "Problem";

    private static final String DESCRIPTION = """
            The REST API of the OpenVDI broker: hosts, golden-image templates, desktop pools and their rollouts, \
            desktops, employees' sessions, and the audit trail.

            **Signing in.** Scripts send HTTP Basic credentials, or an API token (`Authorization: Bearer ovdi_…`, \
            created at `POST /api/tokens`), with every request; the broker never answers with a Basic challenge. \
            Browsers use the sign-in page's session cookie, and every write then carries the `X-XSRF-TOKEN` header \
            with the value of the `XSRF-TOKEN` cookie. Roles: ADMIN manages, AUDITOR reads everything and the audit \
            trail, EMPLOYEE uses the pools they are entitled to.

            **Errors.** Every refusal is `application/problem+json` with a stable `code` (for example `POOL_NOT_FOUND`, \
            `POOL_DRAINING`): 400 for invalid input (`errors` names the fields), 401 without valid credentials, \
            403 for a role that may not, 404, 409 for a state that forbids the change, 410 for what is gone, \
            413 for a body over the limit, 429 with `Retry-After` when a per-user limit is reached, 503 when the \
            broker cannot act now (`Retry-After` says when to try again).

            **Asynchronous work.** Requests that start work on hypervisors answer `202 Accepted` with the resource \
            as it is now; poll it (or its list) for its state.""";

    @Bean
    OpenAPI brokerOpenApi(OpenApiProperties properties) {
        Components components = new Components()
                .addSecuritySchemes(BASIC, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                        .description("A user name and password, sent with every request (no challenge is sent)."))
                .addSecuritySchemes(API_TOKEN, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .bearerFormat("ovdi_…")
                        .description("An API token from POST /api/tokens, acting as the user who created it."))
                .addSecuritySchemes(SESSION, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.COOKIE).name("JSESSIONID")
                        .description("The browser's session after signing in at /login; writes also need the "
                                + "CSRF header."))
                .addSecuritySchemes(CSRF, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER).name("X-XSRF-TOKEN")
                        .description("The value of the XSRF-TOKEN cookie, sent with every write of a browser session."))
                .addSchemas(PROBLEM, problemSchema());
        OpenAPI api = new OpenAPI()
                .info(new Info().title("OpenVDI broker API").version(properties.version()).description(DESCRIPTION)
                        .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
                .components(components)
                .security(new ArrayList<>(List.of(new SecurityRequirement().addList(BASIC),
                        new SecurityRequirement().addList(API_TOKEN), new SecurityRequirement().addList(SESSION).addList(CSRF))))
                .tags(tags());
        if (properties.oidcIssuer() != null) {
            String issuer = properties.oidcIssuer().toString().replaceAll("/+$", "");
            components.addSecuritySchemes(OIDC, new SecurityScheme().type(SecurityScheme.Type.OPENIDCONNECT)
                    .openIdConnectUrl(issuer + "/.well-known/openid-configuration")
                    .description("An access token of the organisation's OpenID Connect provider."));
            api.addSecurityItem(new SecurityRequirement().addList(OIDC));
        }
        return api;
    }

    /**
     * Each tag once, described as above and in that order: controllers of one tag (Audit, Rollouts) describe it
     * each in their own words.
     */
    @Bean
    GlobalOpenApiCustomizer oneDescriptionPerTag() {
        return api -> {
            Map<String, Tag> byName = new LinkedHashMap<>();
            tags().forEach(tag -> byName.put(tag.getName(), tag));
            if (api.getTags() != null) {
                api.getTags().forEach(tag -> byName.putIfAbsent(tag.getName(), tag));
            }
            api.setTags(new ArrayList<>(byName.values()));
        };
    }

    /** The tags in the order a reader meets them, each described once. */
    private static List<Tag> tags() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("Me", "Who is signed in");
        tags.put("API tokens", "Bearer tokens for scripts, acting as the user who created them");
        tags.put("Hosts", "KVM hosts that run desktops");
        tags.put("Templates", "Golden images and their versions");
        tags.put("Pools", "Desktop pools, their sizes and entitlements");
        tags.put("Rollouts", "Moving a pool to another version of its golden image");
        tags.put("Desktops", "Desktop VMs and their lifecycle state");
        tags.put("Sessions", "Employees' use of desktops");
        tags.put("Forecast", "Demand forecasts and backtests of spare policies");
        tags.put("Audit", "Who had which desktop, when, where and on which image; who changed what");
        tags.put("Events", "The raw event history of one aggregate, for admins and auditors");
        tags.put("Recordings", "Session recordings (auditors)");
        return tags.entrySet().stream().map(e -> new Tag().name(e.getKey()).description(e.getValue())).toList();
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problemSchema() {
        Map<String, Schema> fields = new LinkedHashMap<>();
        fields.put("type", new StringSchema().format("uri").example("urn:openvdi:problem:pool-not-found"));
        fields.put("title", new StringSchema().example("POOL_NOT_FOUND"));
        fields.put("status", new IntegerSchema().example(404));
        fields.put("detail", new StringSchema().example("There is nothing at this address"));
        fields.put("instance", new StringSchema().format("uri-reference"));
        fields.put("code", new StringSchema().description("The stable error code; clients branch on it")
                .example("POOL_NOT_FOUND"));
        fields.put("errors", new io.swagger.v3.oas.models.media.ArraySchema().description("The fields at fault (400)")
                .items(new ObjectSchema().addProperty("field", new StringSchema())
                        .addProperty("message", new StringSchema())));
        ObjectSchema problem = new ObjectSchema();
        problem.setProperties((Map) fields);
        problem.setRequired(List.of("type", "title", "status", "code"));
        problem.description("RFC 9457 problem details, as every refusal of the broker is answered");
        return problem;
    }
}
