package org.openvdi.broker.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisplayAddressCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "10.0.0.11", "255.255.255.254", "kvm1", "kvm1.example.com",
            "host-1.lab", "::1", "fd00::11", "2001:db8::1", "::ffff:10.0.0.1"})
    void givenOneAddressOfTheHost_whenChecked_thenAccepted(String address) {
        assertThat(DisplayAddressCheck.refusal(address)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "0:0:0:0:0:0:0:0", "::ffff:0.0.0.0", "0", "0x0", "127.1", "0177.0.0.1",
            "00.0.0.0", "256.0.0.1", "1.2.3.4.5", "1.2.3", "-oProxy", "kvm1.", ".kvm1", "kvm..1", "a-.b",
            "g::1", ".::", ":::", "1::2::3", "localhost:5900"})
    void givenWildcardOrAnAddressQemuWouldReadOtherwise_whenChecked_thenRefusedWithAReason(String address) {
        assertThat(DisplayAddressCheck.refusal(address)).isPresent();
    }
}
