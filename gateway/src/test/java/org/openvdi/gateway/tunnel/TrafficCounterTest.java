package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrafficCounterTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "4.sync,3.123;", "Grüße", "桌面", "emoji \uD83D\uDE00 end"})
    void givenText_whenCounted_thenTheCountIsItsUtf8Length(String text) {
        TrafficCounter counter = new TrafficCounter();

        counter.sentToClient(text);
        counter.receivedFromClient(text + text);

        assertThat(counter.bytesToClient()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(counter.bytesFromClient()).isEqualTo(2L * text.getBytes(StandardCharsets.UTF_8).length);
    }
}
