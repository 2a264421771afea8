package org.openvdi.broker.connect;

import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.hypervisor.DisplayEndpoint;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.session.SessionView;
import org.springframework.stereotype.Component;

/**
 * Finds where a session's desktop shows its display: host and port as recorded when it became
 * ready, the VNC password read live from the hypervisor (it is never stored by the broker).
 */
@Component
class DesktopDisplays {

    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final Hypervisor hypervisor;

    DesktopDisplays(DesktopQueries desktops, HostQueries hosts, Hypervisor hypervisor) {
        this.desktops = desktops;
        this.hosts = hosts;
        this.hypervisor = hypervisor;
    }

    DisplayEndpoint of(SessionView session) throws DisplayUnavailableException {
        if (!session.state().open() || session.desktopId() == null) {
            throw new DisplayUnavailableException("session " + session.id() + " has no desktop (" + session.state() + ")");
        }
        DesktopView desktop = desktops.find(session.desktopId()).orElseThrow(() ->
                new DisplayUnavailableException("desktop " + session.desktopId() + " no longer exists"));
        if (desktop.state() != DesktopState.ASSIGNED || !session.id().equals(desktop.sessionId())) {
            throw new DisplayUnavailableException("desktop " + desktop.id() + " is " + desktop.state()
                    + " and no longer assigned to session " + session.id());
        }
        if (desktop.displayHost() == null || desktop.displayPort() == null || desktop.displayPort() <= 0) {
            throw new DisplayUnavailableException("desktop " + desktop.id()
                    + " has no VNC display (hosts on libvirt's test driver have none)");
        }
        HostView host = hosts.find(desktop.hostId()).orElseThrow(() ->
                new DisplayUnavailableException("the host of desktop " + desktop.id() + " is no longer registered"));
        try {
            String password = hypervisor.display(host.target(), desktop.id().toString()).password();
            return new DisplayEndpoint(desktop.displayHost(), desktop.displayPort(), password);
        } catch (HypervisorException e) {
            throw new DisplayUnavailableException("the display of desktop " + desktop.id() + " cannot be read on host "
                    + host.name() + ": " + e.getMessage(), e);
        }
    }
}
