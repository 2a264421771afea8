package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TunnelRequestTest {

    @Test
    void givenAFullQuery_whenParsed_thenAllValuesAreTaken() {
        TunnelRequest request = TunnelRequest.from(Map.of("token", List.of("abc"), "width", List.of("1920"),
                "height", List.of("1080"), "dpi", List.of("144")), "192.0.2.1");

        assertThat(request).isEqualTo(new TunnelRequest("abc", 1920, 1080, 144, "192.0.2.1"));
    }

    @Test
    void givenMissingOrAbsurdSizes_whenParsed_thenDefaultsApply() {
        TunnelRequest request = TunnelRequest.from(Map.of("width", List.of("-5"), "height", List.of("99999"),
                "dpi", List.of("x")), "192.0.2.1");

        assertThat(request.token()).isNull();
        assertThat(request.width()).isEqualTo(TunnelRequest.DEFAULT_WIDTH);
        assertThat(request.height()).isEqualTo(TunnelRequest.DEFAULT_HEIGHT);
        assertThat(request.dpi()).isEqualTo(TunnelRequest.DEFAULT_DPI);
    }

    @Test
    void givenARequest_whenLogged_thenTheTokenStaysOut() {
        TunnelRequest request = TunnelRequest.from(Map.of("token", List.of("secret-token")), "192.0.2.1");

        assertThat(request.toString()).doesNotContain("secret-token").contains("192.0.2.1");
    }
}
