package org.openvdi.broker.desktop;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecordDesktopReadyCommand;
import org.openvdi.broker.desktop.api.RecordDesktopStartedCommand;
import org.openvdi.broker.desktop.api.RecordDomainDefinedCommand;
import org.openvdi.broker.desktop.api.RecordGuestAgentAnsweredCommand;
import org.openvdi.broker.desktop.api.RecordUserDiskCreatedCommand;
import org.openvdi.broker.desktop.api.RecordVolumeClonedCommand;
import org.openvdi.broker.hypervisor.DisplayEndpoint;
import org.openvdi.broker.hypervisor.DisplayProbe;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.MachineSpec;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.templates.descriptor.Readiness;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.templates.descriptor.UserDisk;
import org.openvdi.templates.xml.LibvirtNames;
import org.springframework.stereotype.Component;

/**
 * The provisioning steps of one desktop: clone, create the user disk (persistent desktops whose template has
 * one), define, start, wait for the display, and for the guest agent when the template's readiness says so.
 * Every step is idempotent and keyed by the desktop id, so a resumed desktop simply runs them all again and
 * records an event only for the steps it had not recorded yet.
 */
@Component
class ProvisioningSteps {

    private static final char[] PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private final Hypervisor hypervisor;
    private final DisplayProbe displayProbe;
    private final AuditedCommands commands;
    private final MeterRegistry meters;
    private final ClusterLock images;
    private final SecureRandom random = new SecureRandom();

    ProvisioningSteps(Hypervisor hypervisor, DisplayProbe displayProbe, AuditedCommands commands, MeterRegistry meters,
                      ClusterLock images) {
        this.hypervisor = hypervisor;
        this.images = images;
        this.displayProbe = displayProbe;
        this.commands = commands;
        this.meters = meters;
    }

    /**
     * What a desktop is built from. {@code poweringOn}: a persistent desktop that was ready before and
     * starts again on its existing disk, which is never cloned afresh (its presence is checked first).
     */
    record Plan(UUID desktopId, DesktopState state, boolean poweringOn, HostTarget host, ImageSpec image,
                String displayName, TemplateDescriptor template, boolean persistent) {

        /** The domain's machine: the template's hardware, display, boot and network, a NIC MAC derived from the desktop id. */
        MachineSpec machine(String vncPassword) {
            String id = desktopId.toString();
            UserDisk userDisk = userDisk();
            return new MachineSpec(id, displayName, template.hardware().vcpus(), template.hardware().memoryMiB(),
                    vncPassword, image, template.network(), LibvirtNames.macAddress(id), template.guest().agent(),
                    userDisk == null ? null : userDisk.sizeGiB(), template.display(), template.boot().kernel());
        }

        /** The user disk of a persistent desktop whose template has one; null otherwise. */
        UserDisk userDisk() {
            return persistent ? template.userDisk() : null;
        }

        /** Whether the desktop is ready only once its guest agent answers. */
        boolean awaitsGuestAgent() {
            return template.readiness() == Readiness.GUEST_AGENT;
        }
    }

    /** Runs the steps, giving the guest agent as long as the display. */
    void run(Plan plan, Duration displayTimeout) {
        run(plan, displayTimeout, displayTimeout);
    }

    void run(Plan plan, Duration displayTimeout, Duration agentTimeout) {
        String id = plan.desktopId().toString();
        if (!plan.poweringOn()) {
            long cloned = timed("clone", () -> {
                // brokers sharing a host place each image once: one uploads, the others wait, then verify
                images.runWhenFree("image " + plan.image().sha256() + " on host " + plan.host().hostId(),
                        () -> hypervisor.ensureImage(plan.host(), plan.image()));
                hypervisor.cloneVolume(plan.host(), id, plan.image());
            });
            if (plan.state().before(DesktopState.CLONED)) {
                commands.system(new RecordVolumeClonedCommand(plan.desktopId(), cloned));
            }
            UserDisk userDisk = plan.userDisk();
            if (userDisk != null) {
                // created once in the desktop's life, named after its id: a recomposed desktop finds its disk here
                boolean[] created = new boolean[1];
                long millis = timed("user-disk", () -> created[0] = hypervisor.ensureUserDisk(plan.host(), id, userDisk.sizeGiB()));
                if (created[0]) {
                    commands.system(new RecordUserDiskCreatedCommand(plan.desktopId(), userDisk.sizeGiB(), millis));
                }
            }
        }
        long millis = timed("define", () -> hypervisor.defineDomain(plan.host(), plan.machine(password())));
        if (plan.state().before(DesktopState.DEFINED)) {
            commands.system(new RecordDomainDefinedCommand(plan.desktopId(), millis));
        }
        millis = timed("start", () -> hypervisor.start(plan.host(), id));
        if (plan.state().before(DesktopState.STARTED)) {
            commands.system(new RecordDesktopStartedCommand(plan.desktopId(), millis));
        }
        DisplayEndpoint[] display = new DisplayEndpoint[1];
        millis = timed("display", () -> display[0] = awaitDisplay(plan, displayTimeout));
        if (plan.awaitsGuestAgent() && hypervisor.showsDisplays(plan.host())) {
            // a simulated host runs no guest and so no agent: as with the display, running is ready there
            long agent = timed("guest-agent", () -> awaitGuestAgent(plan, agentTimeout));
            commands.system(new RecordGuestAgentAnsweredCommand(plan.desktopId(), agent));
        }
        commands.system(new RecordDesktopReadyCommand(plan.desktopId(), display[0].host(), display[0].port(), millis));
    }

    private void awaitGuestAgent(Plan plan, Duration timeout) {
        String id = plan.desktopId().toString();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new HypervisorException("The guest agent did not answer within " + timeout
                        + " after the display answered (is qemu-guest-agent running in the image?)", false);
            }
            // libvirt waits for the answer itself, up to whole seconds; ask again when the agent was not connected yet
            if (hypervisor.guestAgentAnswers(plan.host(), id, Duration.ofNanos(Math.min(left, Duration.ofSeconds(5).toNanos())))) {
                return;
            }
            pause(Duration.ofMillis(250));
        }
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("Interrupted while waiting for the guest", true, e);
        }
    }

    private DisplayEndpoint awaitDisplay(Plan plan, Duration timeout) {
        if (!hypervisor.showsDisplays(plan.host())) {
            // a simulated host runs no guests, so there is no display to wait for: running is ready
            return new DisplayEndpoint(plan.host().displayAddress(), 0, null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no display yet";
        while (System.nanoTime() < deadline) {
            try {
                DisplayEndpoint endpoint = hypervisor.display(plan.host(), plan.desktopId().toString());
                if (displayProbe.answers(endpoint, Duration.ofSeconds(2))) {
                    return endpoint;
                }
                last = "the display at port " + endpoint.port() + " did not answer the RFB handshake";
            } catch (HypervisorException e) {
                if (!e.retryable()) {
                    throw e;
                }
                last = e.getMessage();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HypervisorException("Interrupted while waiting for the display", true, e);
            }
        }
        throw new HypervisorException("The display did not answer within " + timeout + " (" + last + ")", false);
    }

    private long timed(String step, Runnable action) {
        long start = System.nanoTime();
        action.run();
        long nanos = System.nanoTime() - start;
        Timer.builder("openvdi.provisioning.step").tag("step", step).register(meters)
                .record(Duration.ofNanos(nanos));
        return nanos / 1_000_000;
    }

    String password() {
        char[] chars = new char[8];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = PASSWORD_ALPHABET[random.nextInt(PASSWORD_ALPHABET.length)];
        }
        return new String(chars);
    }
}
