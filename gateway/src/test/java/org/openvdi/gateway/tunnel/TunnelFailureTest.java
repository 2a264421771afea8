package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TunnelFailureTest {

    @ParameterizedTest
    @ValueSource(strings = {"TOKEN_UNKNOWN", "TOKEN_EXPIRED", "TOKEN_ALREADY_USED", "TOKEN_WRONG_USER",
            "SESSION_ENDED", "DESKTOP_GONE", "SESSION_ENDED_BY_ROLLOUT"})
    void givenAContractCodeOfTheBroker_whenMapped_thenTheFailureOfThatNameComesBack(String code) {
        assertThat(TunnelFailure.fromBrokerCode(code)).map(Enum::name).contains(code);
    }

    @Test
    void givenACodeOutsideTheContract_whenMapped_thenNothingComesBack() {
        assertThat(TunnelFailure.fromBrokerCode("GATEWAY_ERROR")).isEmpty();
        assertThat(TunnelFailure.fromBrokerCode("SOMETHING_NEW")).isEmpty();
    }

    @Test
    void givenAllFailures_whenTheirCloseCodesAreListed_thenEachIsUniqueAndPrivateUse() {
        assertThat(Arrays.stream(TunnelFailure.values()).map(TunnelFailure::closeCode))
                .doesNotHaveDuplicates()
                .allSatisfy(code -> assertThat(code).isBetween(4000, 4999));
    }

    @Test
    void givenAFailure_whenTurnedIntoAnErrorInstruction_thenItCarriesMessageStatusAndName() {
        assertThat(TunnelFailure.TOKEN_EXPIRED.errorInstruction().toString()).isEqualTo(
                "5.error,72.This link has expired. Go back to the portal and open the desktop again.,3.769,13.TOKEN_EXPIRED;");
        assertThat(TunnelFailure.TOKEN_EXPIRED.closeReason().getReasonPhrase()).isEqualTo("769");
        assertThat(TunnelFailure.TOKEN_EXPIRED.closeReason().getCloseCode().getCode()).isEqualTo(4402);
    }

    @Test
    void givenTheFailureClasses_whenMapped_thenTheyUseTheAgreedGuacamoleStatuses() {
        assertThat(TunnelFailure.TOKEN_EXPIRED.status()).isEqualTo(GuacamoleStatus.CLIENT_UNAUTHORIZED);
        assertThat(TunnelFailure.TOKEN_ALREADY_USED.status()).isEqualTo(GuacamoleStatus.CLIENT_UNAUTHORIZED);
        assertThat(TunnelFailure.TOKEN_UNKNOWN.status()).isEqualTo(GuacamoleStatus.CLIENT_FORBIDDEN);
        assertThat(TunnelFailure.TOKEN_WRONG_USER.status()).isEqualTo(GuacamoleStatus.CLIENT_FORBIDDEN);
        assertThat(TunnelFailure.SESSION_ENDED.status()).isEqualTo(GuacamoleStatus.RESOURCE_CLOSED);
        assertThat(TunnelFailure.DESKTOP_GONE.status()).isEqualTo(GuacamoleStatus.RESOURCE_NOT_FOUND);
        assertThat(TunnelFailure.GUACD_UNAVAILABLE.status()).isEqualTo(GuacamoleStatus.UPSTREAM_NOT_FOUND);
        assertThat(TunnelFailure.BROKER_UNAVAILABLE.status()).isEqualTo(GuacamoleStatus.UPSTREAM_UNAVAILABLE);
    }
}
