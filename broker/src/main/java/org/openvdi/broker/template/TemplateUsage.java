package org.openvdi.broker.template;

import java.util.List;
import java.util.UUID;

/**
 * What still uses a template's versions. The pool feature answers it (pools and their desktops depend on
 * templates, never the other way round), so that a template is deleted only when nothing uses it.
 */
public interface TemplateUsage {

    /** Each thing that uses one of the template's versions, said for an admin; empty when nothing does. */
    List<String> usersOf(UUID templateId);

    /** The cluster lock under which a template is deleted, and a pool is created from it. */
    static String lockName(UUID templateId) {
        return "template " + templateId;
    }
}
