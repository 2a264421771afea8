package org.openvdi.broker.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.ChangeHostLabelsCommand;
import org.openvdi.broker.host.api.HostLabels;
import org.openvdi.broker.host.api.HostLabelsChangedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.host.api.RegisterHostCommand;
import org.openvdi.broker.hypervisor.VirtType;

/** A host's labels, set at registration and changed later, and the host selectors that match them. */
class HostLabelsTest {

    private static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a9");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");
    private static final HostRegisteredEvent REGISTERED = new HostRegisteredEvent(HOST, "kvm-9", "qemu+ssh://kvm-9/system",
            VirtType.KVM, 20, "openvdi", "10.0.0.9", "admin");
    private static final HostLabelsChangedEvent BERLIN_GPU = new HostLabelsChangedEvent(HOST, Set.of("gpu", "site=berlin"), "admin");

    private FixtureConfiguration<Host> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Host.class);
    }

    @Test
    void givenNoHost_whenRegisteredWithLabels_thenRegisteredAndItsLabelsSetByTheActingUser() {
        fixture.givenNoPriorActivity()
                .when(new RegisterHostCommand(HOST, "kvm-9", "qemu+ssh://kvm-9/system", VirtType.KVM, 20, "openvdi",
                        "10.0.0.9", Set.of("site=berlin", "gpu")), ADMIN)
                .expectEvents(REGISTERED, BERLIN_GPU);
    }

    @Test
    void givenNoHost_whenRegisteredWithoutLabels_thenOnlyRegistered() {
        fixture.givenNoPriorActivity()
                .when(new RegisterHostCommand(HOST, "kvm-9", "qemu+ssh://kvm-9/system", VirtType.KVM, 20, "openvdi",
                        "10.0.0.9", Set.of()), ADMIN)
                .expectEvents(REGISTERED);
    }

    @Test
    void givenNoHost_whenRegisteredWithAMalformedLabel_thenRejectedAndNothingRegistered() {
        fixture.givenNoPriorActivity()
                .when(new RegisterHostCommand(HOST, "kvm-9", "qemu+ssh://kvm-9/system", VirtType.KVM, 20, "openvdi",
                        "10.0.0.9", Set.of("site=ber lin")), ADMIN)
                .expectException(rejectedWith(ErrorCode.VALIDATION_FAILED))
                .expectNoEvents();
    }

    @Test
    void givenRegisteredHost_whenLabelsChanged_thenLabelsChangedWithTheWholeNewSetAndTheActor() {
        fixture.given(REGISTERED, BERLIN_GPU)
                .when(new ChangeHostLabelsCommand(HOST, Set.of("site=paris")), Map.of("user", "alice-admin"))
                .expectEvents(new HostLabelsChangedEvent(HOST, Set.of("site=paris"), "alice-admin"));
    }

    @Test
    void givenLabelledHost_whenTheSameLabelsAreSetAgain_thenNoEvents() {
        fixture.given(REGISTERED, BERLIN_GPU)
                .when(new ChangeHostLabelsCommand(HOST, Set.of("site=berlin", "gpu")), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenLabelledHost_whenLabelsCleared_thenLabelsChangedToNone() {
        fixture.given(REGISTERED, BERLIN_GPU)
                .when(new ChangeHostLabelsCommand(HOST, Set.of()), ADMIN)
                .expectEvents(new HostLabelsChangedEvent(HOST, Set.of(), "admin"));
    }

    @Test
    void givenRegisteredHost_whenOneKeyIsGivenTwoValues_thenRejected() {
        fixture.given(REGISTERED)
                .when(new ChangeHostLabelsCommand(HOST, Set.of("site=berlin", "site=paris")), ADMIN)
                .expectException(rejectedWith(ErrorCode.VALIDATION_FAILED))
                .expectNoEvents();
    }

    @Test
    void givenNoHost_whenLabelsChanged_thenAggregateNotFound() {
        fixture.givenNoPriorActivity()
                .when(new ChangeHostLabelsCommand(HOST, Set.of("gpu")), ADMIN)
                .expectException(AggregateNotFoundException.class);
    }

    @Test
    void labelsRefuseWhatIsNotKeyOrKeyValueOfThePlainCharacters() {
        for (String bad : List.of("", "=x", "site=", "site=a=b", "a b", "site=berlin\n", "gpu\u202e", "gpu\u0000",
                "$(reboot)", "../etc", "-gpu", "k".repeat(64), "k=" + "v".repeat(64), "ort=Köln")) {
            assertThatThrownBy(() -> HostLabels.of(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(HostLabels.of(List.of("site=berlin", "gpu", "topology.kubernetes.io/zone=eu-1")))
                .containsExactly("gpu", "site=berlin", "topology.kubernetes.io/zone=eu-1");
        assertThatThrownBy(() -> HostLabels.of(java.util.stream.IntStream.range(0, HostLabels.MAX + 1)
                .mapToObj(i -> "k" + i).toList())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectorsMatchWhenEveryTermHolds() {
        List<String> berlinGpu = List.of("gpu", "site=berlin");
        List<String> paris = List.of("site=paris");
        assertThat(HostSelector.ANY.matches(paris)).isTrue();
        assertThat(HostSelector.of(List.of("site=berlin")).matches(berlinGpu)).isTrue();
        assertThat(HostSelector.of(List.of("site=berlin")).matches(paris)).isFalse();
        assertThat(HostSelector.of(List.of("gpu", "site=berlin")).matches(berlinGpu)).isTrue();
        assertThat(HostSelector.of(List.of("gpu", "site=paris")).matches(berlinGpu)).isFalse();
        assertThat(HostSelector.of(List.of("site")).matches(paris)).isTrue();
        assertThat(HostSelector.of(List.of("!gpu")).matches(paris)).isTrue();
        assertThat(HostSelector.of(List.of("!gpu")).matches(berlinGpu)).isFalse();
        assertThat(HostSelector.of(List.of("site!=berlin")).matches(paris)).isTrue();
        assertThat(HostSelector.of(List.of("site!=berlin")).matches(List.of())).isTrue();
        assertThat(HostSelector.of(List.of("site!=berlin")).matches(berlinGpu)).isFalse();
        for (String bad : List.of("", "!", "!site=berlin", "site==berlin", "site!=", "a b", "gpu\u200f", "x;rm")) {
            assertThatThrownBy(() -> HostSelector.of(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
