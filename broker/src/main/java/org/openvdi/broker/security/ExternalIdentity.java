package org.openvdi.broker.security;

import java.util.Collection;
import java.util.List;

/**
 * What a provider or a directory says about a user, checked before the broker believes any of it: a user name and
 * group names of bounded length, without control, formatting (bidi overrides, zero-width) or unpaired surrogate
 * characters, and a bounded number of groups. Such values would be shown on pages and written to the audit log.
 */
record ExternalIdentity(String name, List<String> groups) {

    static final int MAX_NAME = 128;
    static final int MAX_GROUP = 256;
    static final int MAX_GROUPS = 500;

    /** Why an identity is refused. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The identity, when every value is acceptable; otherwise {@link Refused}. */
    static ExternalIdentity checked(String name, Collection<String> groups) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME || !printable(name) || !name.equals(name.strip())) {
            throw new Refused("The identity provider sent an unusable user name");
        }
        if (groups.size() > MAX_GROUPS) {
            throw new Refused("The identity provider sent too many groups");
        }
        for (String group : groups) {
            if (group == null || group.isEmpty() || group.length() > MAX_GROUP || !printable(group)) {
                throw new Refused("The identity provider sent an unusable group name");
            }
        }
        return new ExternalIdentity(name, List.copyOf(groups));
    }

    static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
