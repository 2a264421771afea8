package org.openvdi.broker.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.TEMPLATE;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.pool.api.PoolRolloutOpenedEvent;
import org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent;
import org.openvdi.broker.rollout.api.*;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The image cleanup process on real parts: the read models on the shared embedded PostgreSQL and the images as real
 * volumes of a storage pool on libvirt's test driver. The old version's image goes only once its rollout completed,
 * no pool is on it and no desktop on the host runs it; its deletion is recorded once.
 */
class ImageCleanupProcessTest {

    private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
    private static final RolloutStrategy STRATEGY = new RolloutStrategy(1, Budget.count(1), 1, LogoffPolicy.WAIT, null, null,
            Duration.ofMinutes(15), Duration.ofMinutes(10), 1);

    private static ProcessHarness harness;
    private static ImageCleanupProcess process;
    private static ImageSpec oldImage;
    private static ImageSpec newImage;

    private final UUID host = UUID.randomUUID();
    private final UUID poolId = UUID.randomUUID();
    private final UUID rollout = UUID.randomUUID();
    private RecordedCommands commands;
    private HostTarget target;

    @BeforeAll
    static void start() throws java.io.IOException {
        var dir = Files.createTempDirectory("image-cleanup");
        // images of their own: the test driver's volumes are shared by every test of this JVM
        oldImage = RawImages.write(dir.resolve("old.raw"), 1101);
        newImage = RawImages.write(dir.resolve("new.raw"), 1102);
        harness = ProcessHarness.start(ImageCleanupProcess.class);
        process = harness.bean(ImageCleanupProcess.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void poolMovedFromOneToTwoWithTheOldImageOnTheHost() {
        commands = harness.reset().accept(RecordImageDeletedCommand.class);
        harness.givenAt(T0, testDriverHost(host, 10)).givenAt(T0, Histories.template(oldImage))
                .givenAt(T0, new TemplateVersionPublishedEvent(TEMPLATE, 2, newImage.sourcePath(), newImage.sha256(),
                        newImage.format(), newImage.sizeBytes(), "admin"))
                .givenAt(T0, floatingPool(poolId, 0, 5))
                .givenAt(T0, new PoolRolloutOpenedEvent(poolId, rollout, 1, 2, null, "admin"),
                        new RolloutStartedEvent(rollout, poolId, TEMPLATE, 1, 2, STRATEGY, T0, null, "admin"),
                        new RolloutBegunEvent(rollout, poolId, 1, 1));
        target = harness.bean(HostQueries.class).find(host).orElseThrow().target();
        harness.hypervisor().ensureImage(target, oldImage);
        harness.hypervisor().ensureImage(target, newImage);
    }

    private void completed() {
        harness.givenAt(T0, new RolloutCanaryPassedEvent(rollout, poolId, 2, 1),
                new PoolTemplateVersionChangedEvent(poolId, rollout, 1, 2),
                new RolloutCompletedEvent(rollout, poolId, 2, 1, 0));
    }

    @Test
    void givenRolloutStillRunning_whenSwept_thenTheOldImageStays() {
        harness.givenAt(T0, new RolloutCanaryPassedEvent(rollout, poolId, 2, 1),
                new PoolTemplateVersionChangedEvent(poolId, rollout, 1, 2));

        process.sweep();

        assertThat(harness.hypervisor().hasImage(target, oldImage)).isTrue();
        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenCompletedRolloutButADesktopOnTheHostStillOnTheOldVersion_whenSwept_thenTheOldImageStaysUntilItIsGone() {
        UUID straggler = UUID.randomUUID();
        harness.givenAt(T0, readyDesktop(straggler, poolId, host, null));
        completed();

        process.sweep();
        assertThat(harness.hypervisor().hasImage(target, oldImage)).as("its desktop's disk is backed by it").isTrue();
        assertThat(commands.all()).isEmpty();

        harness.givenAt(T0, new DesktopRecycledEvent(straggler, "replaced"),
                new org.openvdi.broker.desktop.api.DesktopDestroyedEvent(straggler));
        process.sweep();
        assertThat(harness.hypervisor().hasImage(target, oldImage)).isFalse();
        assertThat(commands.sent(RecordImageDeletedCommand.class)).containsExactly(
                new RecordImageDeletedCommand(rollout, host, TEMPLATE, 1, oldImage.sha256()));
    }

    @Test
    void givenCompletedRolloutAndNoDesktopOnTheOldVersion_whenSweptTwice_thenTheImageIsDeletedAndRecordedOnce() {
        UUID onNew = UUID.randomUUID();
        harness.givenAt(T0, new DesktopProvisioningRequestedEvent(onNew, poolId, host, TEMPLATE, 2, null));
        completed();

        process.sweep();

        assertThat(harness.hypervisor().hasImage(target, oldImage)).isFalse();
        assertThat(harness.hypervisor().hasImage(target, newImage)).as("the version in use stays").isTrue();
        assertThat(commands.sent(RecordImageDeletedCommand.class)).containsExactly(
                new RecordImageDeletedCommand(rollout, host, TEMPLATE, 1, oldImage.sha256()));

        // the rollout records it (the aggregate refuses a second record for the host) and the next sweep leaves it
        harness.givenAt(T0, new RolloutImageDeletedEvent(rollout, host, TEMPLATE, 1, oldImage.sha256()));
        harness.hypervisor().ensureImage(target, oldImage);
        process.sweep();
        assertThat(commands.sent(RecordImageDeletedCommand.class)).hasSize(1);
        assertThat(harness.hypervisor().hasImage(target, oldImage)).as("deleted on this host once already").isTrue();
    }

    @Test
    void givenCompletedRolloutThatAnotherPoolStillUses_whenSwept_thenTheOldImageStays() {
        harness.givenAt(T0, floatingPool(UUID.randomUUID(), 0, 5));
        completed();

        process.sweep();

        assertThat(harness.hypervisor().hasImage(target, oldImage)).isTrue();
        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenCancelledRollout_whenSwept_thenTheOldImageStays() {
        harness.givenAt(T0, new RolloutCancelledEvent(rollout, poolId, 0, 0, "admin"));

        process.sweep();

        assertThat(harness.hypervisor().hasImage(target, oldImage)).isTrue();
        assertThat(commands.all()).isEmpty();
    }
}
