package org.openvdi.broker.limits;

/** What a row of {@code limit_counter} counts; stored by name. */
enum LimitKind {
    /** Failed sign-ins with one user name (stored as its hash). */
    SIGN_IN_NAME,
    /** Failed sign-ins from one client address. */
    SIGN_IN_ADDRESS,
    /** Session requests of one signed-in user. */
    SESSION_REQUEST,
    /** Connect URLs issued to one signed-in user. */
    CONNECT_TOKEN
}
