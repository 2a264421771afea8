package org.openvdi.contract;

/**
 * What a viewer who joined a shared session through its one-time link may do: only watch ({@code VIEW}: guacd's
 * {@code read-only}, and the gateway drops the viewer's input), or also type and use the mouse ({@code CONTROL}).
 */
public enum ViewerAccess {
    VIEW, CONTROL
}
