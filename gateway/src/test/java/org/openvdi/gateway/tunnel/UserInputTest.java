package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which browser messages are the user's keyboard or mouse input: only key, mouse and touch instructions. */
class UserInputTest {

    @ParameterizedTest
    @ValueSource(strings = {"5.mouse,2.10,2.20,1.0;", "3.key,5.65307,1.1;", "4.sync,8.12345678;5.mouse,1.1,1.2,1.0;",
            "5.touch,1.0,2.10,2.20,1.5,1.5,1.0,1.1;"})
    void givenInputInstructions_whenChecked_thenInput(String message) {
        assertThat(UserInput.in(message)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4.sync,8.12345678;", "4.size,4.1024,3.768,2.96;", "3.nop;",
            "9.clipboard,1.2,10.text/plain;", "3.ack,1.1,13.5.mouse,3.key,1.0;", "4.blob,1.2,8.5.mouse,;",
            "5.mouse", "x.mouse,1.1;", "99999999999.mouse;", "4.😀😀😀😀,1.1;5.size;"})
    void givenOtherOrMalformedMessages_whenChecked_thenNoInput(String message) {
        assertThat(UserInput.in(message)).isFalse();
    }
}
