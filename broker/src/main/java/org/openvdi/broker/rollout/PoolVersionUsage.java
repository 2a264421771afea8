package org.openvdi.broker.rollout;

import java.util.Map;
import java.util.UUID;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.template.VersionUsage;
import org.springframework.stereotype.Component;

/**
 * A version is in use while a pool is on it or still has desktops on it, unless an active rollout of that pool
 * is moving it to another version.
 */
@Component
class PoolVersionUsage implements VersionUsage {

    private final PoolQueries pools;
    private final DesktopQueries desktops;
    private final RolloutQueries rollouts;

    PoolVersionUsage(PoolQueries pools, DesktopQueries desktops, RolloutQueries rollouts) {
        this.pools = pools;
        this.desktops = desktops;
        this.rollouts = rollouts;
    }

    @Override
    public boolean inUse(UUID templateId, int version) {
        Map<UUID, Integer> targets = rollouts.targetVersionByPool();
        return pools.onTemplate(templateId).stream().anyMatch(pool -> {
            boolean uses = pool.templateVersion() == version
                    || desktops.countOnVersion(templateId, version, pool.poolId(), null) > 0;
            Integer target = targets.get(pool.poolId());
            boolean movingOff = target != null && target != version;
            return uses && !movingOff;
        });
    }
}
