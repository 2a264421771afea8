package org.openvdi.broker.limits.api;

/** What a sign-in ban is on. */
public enum ThrottledSubject {
    /** One user name, whether such a user exists or not, from any address. */
    USER_NAME,
    /** One client address, whatever names are tried from it. */
    CLIENT_ADDRESS
}
