package org.openvdi.broker.host.api;

/** Whether a host answers: stored by name in {@code host_view.state}. */
public enum HostState {
    /** Answers libvirt's calls; may take desktops. */
    UP,
    /** Stopped answering (HostWentDownEvent) until it answers again (HostCameBackEvent). */
    DOWN
}
