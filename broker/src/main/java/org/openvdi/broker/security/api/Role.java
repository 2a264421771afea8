package org.openvdi.broker.security.api;

/** What a person may do in the product: admins manage, auditors read, employees use their own desktops. */
public enum Role {
    ADMIN,
    EMPLOYEE,
    AUDITOR
}
