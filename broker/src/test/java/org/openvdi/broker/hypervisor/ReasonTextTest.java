package org.openvdi.broker.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasonTextTest {

    @Test
    void givenControlBidiAndLineBreaks_whenCleaned_thenOneLineOfPrintableText() {
        assertThat(ReasonText.clean("a\nb\r\n\tc\u0000d\u202ee\u2066f\u200bg\u2028h")).isEqualTo("a b c d e f g h");
    }

    @Test
    void givenLongText_whenCleaned_thenCutTo200Characters() {
        String cleaned = ReasonText.clean("x".repeat(10_000));

        assertThat(cleaned).hasSize(ReasonText.MAX_LENGTH).endsWith("…");
    }

    @Test
    void givenNullOrOnlyUnprintable_whenCleaned_thenUnknown() {
        assertThat(ReasonText.clean(null)).isEqualTo("unknown");
        assertThat(ReasonText.clean("\u0000\n\u202e ")).isEqualTo("unknown");
    }

    @Test
    void givenPlainReason_whenCleaned_thenUnchanged() {
        assertThat(ReasonText.clean("probing on host 42 failed: libvirt cannot be reached (VIR_ERR_NO_CONNECT)"))
                .isEqualTo("probing on host 42 failed: libvirt cannot be reached (VIR_ERR_NO_CONNECT)");
    }
}
