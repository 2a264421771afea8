package org.openvdi.broker.hypervisor;

/** Receives lifecycle changes of our desktops' domains, on the hypervisor's event thread. */
@FunctionalInterface
public interface MachineEventListener {

    /**
     * Called once per change; must return quickly (it runs on the hypervisor's event thread).
     *
     * @param hostId    the broker's id of the host
     * @param desktopId the desktop whose domain changed; {@code null} for {@link MachineEvent#CONNECTION_LOST},
     *                  which concerns the whole host (its subscription has ended; reconcile and watch again)
     * @param event     what happened
     */
    void onEvent(String hostId, String desktopId, MachineEvent event);

    enum MachineEvent { STARTED, STOPPED, CRASHED, UNDEFINED, CONNECTION_LOST }
}
