package org.openvdi.broker.web;

/** Validation patterns shared by the request records. */
public final class Names {

    /** A display name: 1 to 100 characters, no control characters. Metacharacters are stored as typed. */
    public static final String DISPLAY_NAME = "[^\\p{Cntrl}]{1,100}";

    /** A user or group name as configured. */
    public static final String PRINCIPAL = "[A-Za-z0-9._@-]{1,64}";

    private Names() {
    }
}
