package org.openvdi.broker.template;

import java.util.UUID;

/**
 * Whether a template version is still in use by a pool that no rollout is moving off it: such a version cannot
 * be retired. Answered by the feature that knows pools and rollouts.
 */
public interface VersionUsage {

    boolean inUse(UUID templateId, int version);
}
