package org.openvdi.broker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class HostPartsRequiredTest {

    @Test
    void givenTheHostPartsRequired_whenATestSkipsForWantOfOne_thenItFailsNamingThePart() {
        String before = System.getProperty(HostPartsRequired.PROPERTY);
        try {
            System.setProperty(HostPartsRequired.PROPERTY, "true");
            Throwable failure = HostPartsRequired.failIfRequired(new TestAbortedException("guacd is not listening"));
            assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("guacd is not listening");

            System.setProperty(HostPartsRequired.PROPERTY, "false");
            assertThat(HostPartsRequired.failIfRequired(new TestAbortedException("x"))).isInstanceOf(TestAbortedException.class);
            IllegalStateException other = new IllegalStateException("a real failure");
            assertThat(HostPartsRequired.failIfRequired(other)).isSameAs(other);
        } finally {
            if (before == null) {
                System.clearProperty(HostPartsRequired.PROPERTY);
            } else {
                System.setProperty(HostPartsRequired.PROPERTY, before);
            }
        }
    }
}
