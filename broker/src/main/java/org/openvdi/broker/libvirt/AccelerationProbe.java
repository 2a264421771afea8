package org.openvdi.broker.libvirt;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;
import org.openvdi.broker.hypervisor.AccelerationVerdict;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.templates.xml.DomainType;
import org.openvdi.templates.xml.ProbeDomainDefinition;
import org.openvdi.templates.xml.ProbeDomainXmlRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out whether KVM really runs guests on a host, without any image: a transient guest with no
 * disk runs its firmware (SeaBIOS), which finds nothing to boot and asks for a reboot, which libvirt
 * reports as a guest shutdown and turns into the end of the domain. The time from start to that request
 * is how fast the host executes that guest code.
 *
 * <p>That the kvm guest gets there at all proves little. On some nested-virtualization hosts (kvm_pvm),
 * /dev/kvm exists and libvirt offers kvm, yet a Linux guest seems to hang: that "KVM" executes a
 * guest not made for it one instruction at a time. The firmware still reaches its reboot, but in 4 to
 * 11 s (with the machine's load) where software emulation takes 0.1 to 0.3 s; a plain loop in the guest
 * runs thousands of times slower than emulated, and a Linux kernel takes many minutes to print its
 * first lines. So the kvm guest is timed against a software-emulated one on the same host at the same
 * moment: kvm is chosen unless it is more than {@value #TOLERATED_SLOWDOWN} times slower, with at
 * least {@link #MINIMUM_ALLOWANCE} allowed. The firmware is mostly device access, the costliest thing
 * for hardware virtualization (nested hardware virtualization included) and the cheapest for
 * emulation, so real KVM stays well inside that allowance, while a KVM that emulates lies far outside.
 * Without software emulation to compare with, the kvm guest only has to finish within the timeout.
 *
 * <p>The probe domain is named {@code vdi-probe-<hostId>} and carries our probe metadata, never a
 * desktop id, so inventory and drift reconciliation never count it; one left behind by a crash is
 * destroyed before the next probe starts, and every probe destroys its own guest before it returns.
 */
final class AccelerationProbe {

    private static final int TOLERATED_SLOWDOWN = 10;
    private static final Duration MINIMUM_ALLOWANCE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(AccelerationProbe.class);

    /**
     * How one probe guest fared.
     *
     * @param completed whether its firmware ran to its reboot request before the deadline
     * @param millis    how long that took, or how long was waited in vain
     * @param failure   why it did not complete; empty when it did
     */
    record FirmwareRun(boolean completed, long millis, Optional<String> failure) {

        static FirmwareRun completedAfter(long millis) {
            return new FirmwareRun(true, millis, Optional.empty());
        }

        static FirmwareRun failed(long millis, String why) {
            return new FirmwareRun(false, millis, Optional.of(why));
        }
    }

    private final ProbeDomainXmlRenderer renderer;
    private final Duration timeout;

    AccelerationProbe(ProbeDomainXmlRenderer renderer, Duration timeout) {
        this.renderer = renderer;
        this.timeout = timeout;
    }

    AccelerationVerdict decide(Connect connect, HostTarget host) throws LibvirtException {
        long started = System.nanoTime();
        if (VirtTypePolicy.isTestDriver(host.uri())) {
            return verdict(EffectiveVirtType.TEST, "libvirt's test driver runs no guests", started);
        }
        String capabilities = connect.getCapabilities();
        if (!VirtTypePolicy.offers(capabilities, DomainType.KVM)) {
            return verdict(EffectiveVirtType.QEMU, "libvirt offers no kvm domains on this host", started);
        }
        Optional<FirmwareRun> emulated = VirtTypePolicy.offers(capabilities, DomainType.QEMU)
                ? Optional.of(run(connect, host, DomainType.QEMU, timeout)) : Optional.empty();
        Duration allowance = emulated.filter(FirmwareRun::completed).map(run -> allowanceAfter(run.millis())).orElse(timeout);
        FirmwareRun kvm = run(connect, host, DomainType.KVM, allowance);
        String compared = emulated.map(run -> run.completed() ? "; software emulation took " + run.millis() + " ms"
                : "; a software-emulated guest " + run.failure().orElseThrow()).orElse("");
        if (kvm.completed()) {
            return verdict(EffectiveVirtType.KVM, "a kvm guest ran its firmware in " + kvm.millis() + " ms" + compared, started);
        }
        return verdict(EffectiveVirtType.QEMU, "a kvm guest " + kvm.failure().orElseThrow() + compared, started);
    }

    /** How long the kvm guest may take when the emulated one took {@code emulatedMillis}. */
    Duration allowanceAfter(long emulatedMillis) {
        Duration tolerated = Duration.ofMillis(emulatedMillis * TOLERATED_SLOWDOWN);
        Duration allowance = tolerated.compareTo(MINIMUM_ALLOWANCE) < 0 ? MINIMUM_ALLOWANCE : tolerated;
        return allowance.compareTo(timeout) > 0 ? timeout : allowance;
    }

    /** Runs one probe guest of that type until its firmware asks for a reboot, it stops otherwise, or the deadline. */
    FirmwareRun run(Connect connect, HostTarget host, DomainType type, Duration deadline) throws LibvirtException {
        ProbeDomainDefinition probe = new ProbeDomainDefinition(host.hostId(), type);
        String name = probe.domainName();
        removeLeftover(connect, name);
        CompletableFuture<DomainEvent> end = new CompletableFuture<>();
        AtomicBoolean listening = new AtomicBoolean(true);
        LifecycleListener listener = (domain, event) -> {
            if (listening.get() && isEnd(event) && isNamed(domain, name)) {
                end.complete(event);
            }
            return 0;
        };
        connect.addLifecycleListener(listener);
        try {
            try {
                connect.domainCreateXML(renderer.render(probe), 0);
            } catch (LibvirtException e) {
                if (LibvirtErrors.isConnectionFailure(e)) {
                    throw e;
                }
                log.debug("the probe guest could not start; libvirt said: {}", e.getMessage());
                return FirmwareRun.failed(0, "could not start: " + LibvirtErrors.classify(e).description() + " ("
                        + LibvirtErrors.errorNumber(e) + ")");
            }
            return await(end, System.nanoTime(), deadline);
        } finally {
            // Silenced, not removed: libvirt's event loop may still call a deregistered callback, which
            // must stay reachable (see NativeCallbackAnchor); the registration ends with its connection.
            listening.set(false);
            NativeCallbackAnchor.keep(connect);
            removeLeftover(connect, name);
        }
    }

    private static FirmwareRun await(CompletableFuture<DomainEvent> end, long started, Duration deadline) {
        try {
            DomainEvent event = end.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            long millis = elapsedMillis(started);
            return event.getType() == DomainEventType.SHUTDOWN
                    ? FirmwareRun.completedAfter(millis)
                    : FirmwareRun.failed(millis, "stopped before its firmware finished (" + event + ")");
        } catch (TimeoutException e) {
            return FirmwareRun.failed(elapsedMillis(started), "had not run its firmware after " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("acceleration probe interrupted", true, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the probe's end is only ever completed normally", e);
        }
    }

    /** The guest asked to shut down or reboot (the firmware's end), or its emulator stopped or crashed. */
    private static boolean isEnd(DomainEvent event) {
        DomainEventType type = event.getType();
        return type == DomainEventType.SHUTDOWN || type == DomainEventType.STOPPED || type == DomainEventType.CRASHED;
    }

    private static boolean isNamed(Domain domain, String name) {
        try {
            return name.equals(domain.getName());
        } catch (LibvirtException e) {
            log.debug("could not read the name of a domain in a lifecycle event", e);
            return false;
        }
    }

    /** Destroys the probe domain if it still exists; it is transient, so that removes it. */
    private static void removeLeftover(Connect connect, String name) throws LibvirtException {
        Optional<Domain> leftover = DomainLifecycle.findNamed(connect, name);
        if (leftover.isPresent()) {
            DomainLifecycle.stop(leftover.get(), name);
        }
    }

    private static long elapsedMillis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private static AccelerationVerdict verdict(EffectiveVirtType type, String reason, long started) {
        return new AccelerationVerdict(type, reason, elapsedMillis(started));
    }
}
