package org.openvdi.broker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;

/**
 * The whole broker's tests scan {@code org.openvdi.broker} with the test classes on the class path: the
 * process harness must offer that scan nothing, or its parts (a second hypervisor, say) join the broker's
 * context. It is only ever registered explicitly, by {@link ProcessHarness#start}.
 */
class ProcessHarnessScanTest {

    @Test
    void givenTheBrokersComponentScan_whenItLooksAtTheProcessHarness_thenItFindsNoComponentOrConfiguration() {
        ClassPathScanningCandidateComponentProvider brokerScan = new ClassPathScanningCandidateComponentProvider(true);

        assertThat(brokerScan.findCandidateComponents(ProcessHarness.class.getPackageName()))
                .extracting(BeanDefinition::getBeanClassName).isEmpty();
    }
}
