package org.openvdi.broker.session.api;

/** What a viewer of a shared session may do: only watch, or also type and move the mouse. */
public enum ShareMode {
    VIEW, CONTROL
}
