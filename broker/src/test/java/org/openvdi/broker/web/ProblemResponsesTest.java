package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Fast checks of how the OpenAPI document is derived: the refusals and success statuses read from compiled code,
 * the operation ids, and the OpenID Connect scheme that appears only with an issuer.
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
