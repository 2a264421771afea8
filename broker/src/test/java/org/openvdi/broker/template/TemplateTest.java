package org.openvdi.broker.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.Map;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.template.api.DeleteTemplateCommand;
import org.openvdi.broker.template.api.PublishTemplateVersionCommand;
import org.openvdi.broker.template.api.RegisterTemplateCommand;
import org.openvdi.broker.template.api.RetireTemplateVersionCommand;
import org.openvdi.broker.template.api.TemplateDeletedEvent;
import org.openvdi.broker.template.api.TemplateRegisteredEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.openvdi.broker.template.api.TemplateVersionRetiredEvent;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.templates.descriptor.TemplateDescriptorReader;

class TemplateTest {

    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");
    private static final String SHA_1 = "0123456789abcdef".repeat(4);
    private static final String SHA_2 = "fedcba9876543210".repeat(4);
    private static final String IMAGE_1 = "/var/lib/openvdi/images/win11-v1.qcow2";
    private static final String IMAGE_2 = "/var/lib/openvdi/images/win11-v2.qcow2";
    private static final long SIZE = 10_737_418_240L;

    private static final TemplateRegisteredEvent REGISTERED = new TemplateRegisteredEvent(TEMPLATE, "Windows 11", 2, 4096, "admin",
            TemplateDescriptor.shortForm("Windows 11", 2, 4096));
    private static final TemplateVersionPublishedEvent V1 = new TemplateVersionPublishedEvent(TEMPLATE, 1, IMAGE_1, SHA_1,
            "qcow2", SIZE, "admin");
    private static final TemplateVersionPublishedEvent V2 = new TemplateVersionPublishedEvent(TEMPLATE, 2, IMAGE_2, SHA_2,
            "qcow2", SIZE, "admin");
    private static final TemplateVersionRetiredEvent V1_RETIRED = new TemplateVersionRetiredEvent(TEMPLATE, 1, "admin");
    private static final TemplateVersionRetiredEvent V2_RETIRED = new TemplateVersionRetiredEvent(TEMPLATE, 2, "admin");

    private FixtureConfiguration<Template> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Template.class);
    }

    // --- register ---

    @Test
    void givenNoTemplate_whenRegistered_thenTemplateRegisteredByTheActingUser() {
        fixture.givenNoPriorActivity()
                .when(new RegisterTemplateCommand(TEMPLATE, TemplateDescriptor.shortForm("Windows 11", 2, 4096)), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectEvents(REGISTERED);
    }

    @Test
    void givenNoTemplate_whenRegisteredWithOneVcpuAnd16MiB_thenTemplateRegistered() {
        fixture.givenNoPriorActivity()
                .when(new RegisterTemplateCommand(TEMPLATE, TemplateDescriptor.shortForm("tiny", 1, 16)), ADMIN)
                .expectEvents(new TemplateRegisteredEvent(TEMPLATE, "tiny", 1, 16, "admin",
            TemplateDescriptor.shortForm("tiny", 1, 16)));
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {0, -1})
    void givenNoTemplate_whenRegisteredWithoutVcpus_thenValidationFailed(int vcpus) {
        fixture.givenNoPriorActivity()
                .when(new RegisterTemplateCommand(TEMPLATE, TemplateDescriptor.shortForm("Windows 11", vcpus, 4096)), ADMIN)
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.VALIDATION_FAILED))
                .expectExceptionMessage("A template needs at least 1 vCPU and 16 MiB")
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0} MiB")
    @ValueSource(ints = {15, 0, -4096})
    void givenNoTemplate_whenRegisteredWithTooLittleMemory_thenValidationFailed(int memoryMiB) {
        fixture.givenNoPriorActivity()
                .when(new RegisterTemplateCommand(TEMPLATE, TemplateDescriptor.shortForm("Windows 11", 2, memoryMiB)), ADMIN)
                .expectException(rejectedWith(ErrorCode.VALIDATION_FAILED))
                .expectNoEvents();
    }

    @Test
    void givenNoTemplate_whenRegisteredWithADescriptor_thenTheEventCarriesIt() {
        TemplateDescriptor descriptor = new TemplateDescriptorReader().readYaml("t.yaml", """
                name: Debian desktop
                hardware: {vcpus: 2, memoryMiB: 2048}
                boot: {disk: {image: debian.qcow2, format: qcow2}}
                network: {bridge: br0}
                guest: {os: Debian 12, agent: true}
                readiness: GUEST_AGENT
                userDisk: {sizeGiB: 4}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        fixture.givenNoPriorActivity()
                .when(new RegisterTemplateCommand(TEMPLATE, descriptor), ADMIN)
                .expectEvents(new TemplateRegisteredEvent(TEMPLATE, "Debian desktop", 2, 2048, "admin", descriptor));
    }

    @Test
    void givenAnEventRecordedBeforeDescriptors_whenRead_thenItsDescriptorIsTheShortFormOnTheDefaultNetwork() {
        TemplateRegisteredEvent revision1 = new TemplateRegisteredEvent(TEMPLATE, "old", 1, 256, "admin", null);

        assertThat(revision1.descriptorOrShortForm()).isEqualTo(TemplateDescriptor.shortForm("old", 1, 256));
        assertThat(revision1.descriptorOrShortForm().network().network()).isEqualTo("openvdi");
        fixture.given(revision1)
                .when(new PublishTemplateVersionCommand(TEMPLATE, IMAGE_1, SHA_1, "qcow2", SIZE), ADMIN)
                .expectResultMessagePayload(1);
    }

    // --- publish ---

    @Test
    void givenRegisteredTemplate_whenVersionPublished_thenVersion1PublishedAndAnswered() {
        fixture.given(REGISTERED)
                .when(new PublishTemplateVersionCommand(TEMPLATE, IMAGE_1, SHA_1, "qcow2", SIZE), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(1)
                .expectEvents(V1);
    }

    @Test
    void givenVersion1_whenVersionPublished_thenVersion2PublishedAndAnswered() {
        fixture.given(REGISTERED, V1)
                .when(new PublishTemplateVersionCommand(TEMPLATE, IMAGE_2, SHA_2, "qcow2", SIZE), ADMIN)
                .expectResultMessagePayload(2)
                .expectEvents(V2);
    }

    @Test
    void givenRetiredLatestVersion_whenVersionPublished_thenNumberIsNotReused() {
        fixture.given(REGISTERED, V1, V2, V2_RETIRED)
                .when(new PublishTemplateVersionCommand(TEMPLATE, IMAGE_2, SHA_2, "raw", 42L), Map.of("user", "ops"))
                .expectResultMessagePayload(3)
                .expectEvents(new TemplateVersionPublishedEvent(TEMPLATE, 3, IMAGE_2, SHA_2, "raw", 42L, "ops"));
    }

    @Test
    void givenVersion1_whenSameImagePublishedAgain_thenItBecomesVersion2() {
        fixture.given(REGISTERED, V1)
                .when(new PublishTemplateVersionCommand(TEMPLATE, IMAGE_1, SHA_1, "qcow2", SIZE), ADMIN)
                .expectResultMessagePayload(2)
                .expectEvents(new TemplateVersionPublishedEvent(TEMPLATE, 2, IMAGE_1, SHA_1, "qcow2", SIZE, "admin"));
    }

    @ParameterizedTest(name = "checksum \"{0}\"")
    @NullSource
    @ValueSource(strings = {
            "",
            "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", // upper case
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",  // 63 digits
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", // 65 digits
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", // not hex
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab",
            " 123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"})
    void givenRegisteredTemplate_whenPublishedWithMalformedChecksum_thenValidationFailed(String sha256) {
        fixture.given(REGISTERED, V1)
                .when(new PublishTemplateVersionCommand(TEMPLATE, IMAGE_2, sha256, "qcow2", SIZE), ADMIN)
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.VALIDATION_FAILED))
                .expectExceptionMessage(containsString("64 lower-case hex digits"))
                .expectNoEvents();
    }

    // --- retire ---

    @Test
    void givenPublishedVersion_whenRetired_thenVersionRetired() {
        fixture.given(REGISTERED, V1)
                .when(new RetireTemplateVersionCommand(TEMPLATE, 1), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectEvents(V1_RETIRED);
    }

    @Test
    void givenRetiredVersion_whenRetiredAgain_thenNoEvents() {
        fixture.given(REGISTERED, V1, V1_RETIRED)
                .when(new RetireTemplateVersionCommand(TEMPLATE, 1), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenTwoVersions_whenOlderRetired_thenOnlyThatVersionRetired() {
        fixture.given(REGISTERED, V1, V2)
                .when(new RetireTemplateVersionCommand(TEMPLATE, 1), Map.of("user", "ops"))
                .expectEvents(new TemplateVersionRetiredEvent(TEMPLATE, 1, "ops"));
    }

    @Test
    void givenOlderVersionRetired_whenNewerRetired_thenNewerRetired() {
        fixture.given(REGISTERED, V1, V2, V1_RETIRED)
                .when(new RetireTemplateVersionCommand(TEMPLATE, 2), ADMIN)
                .expectEvents(V2_RETIRED);
    }

    @Test
    void givenNoVersions_whenVersion1Retired_thenVersionNotFound() {
        fixture.given(REGISTERED)
                .when(new RetireTemplateVersionCommand(TEMPLATE, 1), ADMIN)
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.TEMPLATE_VERSION_NOT_FOUND))
                .expectExceptionMessage("No version 1")
                .expectNoEvents();
    }

    @Test
    void givenVersion1_whenUnpublishedVersion2Retired_thenVersionNotFound() {
        fixture.given(REGISTERED, V1)
                .when(new RetireTemplateVersionCommand(TEMPLATE, 2), ADMIN)
                .expectException(rejectedWith(ErrorCode.TEMPLATE_VERSION_NOT_FOUND))
                .expectExceptionMessage("No version 2")
                .expectNoEvents();
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void givenVersion1_whenNonPositiveVersionRetired_thenVersionNotFound(int version) {
        fixture.given(REGISTERED, V1)
                .when(new RetireTemplateVersionCommand(TEMPLATE, version), ADMIN)
                .expectException(rejectedWith(ErrorCode.TEMPLATE_VERSION_NOT_FOUND))
                .expectNoEvents();
    }

    // --- delete (whether anything uses the template is the controller's check, under the template's lock) ---

    @Test
    void givenTemplateWithVersions_whenDeleted_thenTemplateDeletedByTheActingUser() {
        fixture.given(REGISTERED, new TemplateVersionPublishedEvent(TEMPLATE, 1, IMAGE_1, SHA_1, "qcow2", SIZE, "admin"))
                .when(new DeleteTemplateCommand(TEMPLATE), Map.of("user", "ops"))
                .expectEvents(new TemplateDeletedEvent(TEMPLATE, "ops"))
                .expectMarkedDeleted();
    }

    @Test
    void givenDeletedTemplate_whenAVersionIsPublished_thenTheTemplateIsGone() {
        fixture.given(REGISTERED, new TemplateDeletedEvent(TEMPLATE, "admin"))
                .when(new PublishTemplateVersionCommand(TEMPLATE, IMAGE_2, SHA_2, "qcow2", SIZE), ADMIN)
                .expectException(org.axonframework.eventsourcing.AggregateDeletedException.class)
                .expectNoEvents();
    }
}
