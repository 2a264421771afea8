package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.method.HandlerMethod;

/**
 * Fast checks of how the OpenAPI document is derived: the refusals and success statuses read from compiled code,
 * the operation ids, the 503s every operation documents, and the OpenID Connect scheme (and its provider's 503) that
 * appear only with an issuer.
 */
class ProblemResponsesTest {

    static final class SampleController {
        private final Helper helper = new Helper();

        ResponseEntity<String> request(boolean missing) {
            if (missing) {
                throw new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool");
            }
            refuseUnlessActive();
            helper.check();
            return ResponseEntity.status(HttpStatus.ACCEPTED).body("session");
        }

        void delete() {
            ResponseEntity.noContent().build();
        }

        String list() {
            return "all";
        }

        private void refuseUnlessActive() {
            Optional.empty().orElseThrow(() -> new BrokerException(ErrorCode.POOL_DRAINING, "draining"));
        }
    }

    static final class Helper {
        void check() {
            throw new BrokerException(ErrorCode.NO_HOST_AVAILABLE, "no host");
        }
    }

    final HandlerBytecode bytecode = new HandlerBytecode();

    @Test
    void givenAHandler_whenItsCodeIsRead_thenItsOwnHelpersLambdasAndCalleesRefusalsAndItsSuccessAreFound() throws Exception {
        HandlerBytecode.Answers answers = bytecode.of(SampleController.class,
                SampleController.class.getDeclaredMethod("request", boolean.class));
        assertThat(answers.refusals()).containsExactlyInAnyOrder(ErrorCode.POOL_NOT_FOUND, ErrorCode.POOL_DRAINING,
                ErrorCode.NO_HOST_AVAILABLE);
        assertThat(answers.successes()).containsExactly(202);
        assertThat(bytecode.of(SampleController.class, SampleController.class.getDeclaredMethod("delete")).successes())
                .containsExactly(204);
        HandlerBytecode.Answers plain = bytecode.of(SampleController.class, SampleController.class.getDeclaredMethod("list"));
        assertThat(plain.refusals()).isEmpty();
        assertThat(plain.successes()).isEmpty();
    }

    /** 503s with what the broker answers them with: every operation's, and the identity provider's only with it. */
    @Test
    void givenAnOperation_whenItsAnswersAreDocumented_thenIts503sNameTheDatabaseThePoolAndTheProviderWhenThereIsOne()
            throws Exception {
        HandlerMethod handler = new HandlerMethod(new SampleController(),
                SampleController.class.getDeclaredMethod("request", boolean.class));
        Operation without = new ProblemResponses(new OpenApiProperties("1", null)).customize(new Operation(), handler);
        ApiResponse busy = without.getResponses().get("503");
        assertThat(busy.getContent().get(ProblemResponses.PROBLEM_JSON).getExamples())
                .containsKeys("DATABASE_UNAVAILABLE", "SERVICE_BUSY", "NO_HOST_AVAILABLE")
                .doesNotContainKey("IDENTITY_PROVIDER_UNREACHABLE");
        assertThat(busy.getHeaders().get("Retry-After").getDescription()).contains("DATABASE_UNAVAILABLE 5", "SERVICE_BUSY 2");
        assertThat(busy.getContent().get(ProblemResponses.PROBLEM_JSON).getExamples().get("SERVICE_BUSY").getValue())
                .asString().contains("The broker is busy");

        Operation with = new ProblemResponses(new OpenApiProperties("1", URI.create("https://idp.example/realms/vdi")))
                .customize(new Operation(), handler);
        assertThat(with.getResponses().get("503").getContent().get(ProblemResponses.PROBLEM_JSON).getExamples())
                .containsKeys("IDENTITY_PROVIDER_UNREACHABLE", "DATABASE_UNAVAILABLE", "SERVICE_BUSY");
        assertThat(with.getResponses().get("503").getHeaders().get("Retry-After").getDescription())
                .contains("IDENTITY_PROVIDER_UNREACHABLE until the broker asks the identity provider again");
    }

    @Test
    void givenControllerMethods_whenNamed_thenOperationIdsReadAsVerbAndResource() throws Exception {
        assertThat(ProblemResponses.operationId(SampleController.class,
                SampleController.class.getDeclaredMethod("request", boolean.class), false)).isEqualTo("requestSample");
        assertThat(ProblemResponses.operationId(SampleController.class,
                SampleController.class.getDeclaredMethod("list"), true)).isEqualTo("listSamples");
    }

    @Test
    void givenAnOidcIssuer_whenTheDocumentIsBuilt_thenItNamesTheOpenIdConnectSchemeAndOnlyThen() {
        OpenApiConfiguration configuration = new OpenApiConfiguration();
        OpenAPI without = configuration.brokerOpenApi(new OpenApiProperties("1.2.3", null));
        assertThat(without.getComponents().getSecuritySchemes()).containsOnlyKeys("basic", "apiToken", "session", "csrf");
        assertThat(without.getInfo().getVersion()).isEqualTo("1.2.3");

        OpenAPI with = configuration.brokerOpenApi(new OpenApiProperties("1", URI.create("https://idp.example/realms/vdi/")));
        SecurityScheme oidc = with.getComponents().getSecuritySchemes().get("oidc");
        assertThat(oidc.getType()).isEqualTo(SecurityScheme.Type.OPENIDCONNECT);
        assertThat(oidc.getOpenIdConnectUrl()).isEqualTo("https://idp.example/realms/vdi/.well-known/openid-configuration");
        assertThat(with.getSecurity()).anyMatch(requirement -> requirement.containsKey("oidc"));
    }
}
