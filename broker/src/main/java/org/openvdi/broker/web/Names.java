package org.openvdi.broker.web;

/** Validation patterns shared by the request records; free text is checked by {@link DisplayText}. */
public final class Names {

    /** A user or group name as configured. */
    public static final String PRINCIPAL = "[A-Za-z0-9._@-]{1,64}";

    private Names() {
    }
}
