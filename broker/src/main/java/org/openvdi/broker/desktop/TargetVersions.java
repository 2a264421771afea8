package org.openvdi.broker.desktop;

import java.util.Map;
import java.util.UUID;

/** The template version each pool with an active rollout is moving to; answered by the rollout feature. */
public interface TargetVersions {

    Map<UUID, Integer> byPool();
}
