package org.openvdi.broker.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.template.TemplateUsage;
import org.springframework.stereotype.Component;

/** A template is used by every pool made from it and by every desktop of it that is not destroyed yet. */
@Component
class PoolTemplateUsage implements TemplateUsage {

    private static final int NAMED = 5;

    private final PoolQueries pools;
    private final DesktopQueries desktops;

    PoolTemplateUsage(PoolQueries pools, DesktopQueries desktops) {
        this.pools = pools;
        this.desktops = desktops;
    }

    @Override
    public List<String> usersOf(UUID templateId) {
        List<String> users = new ArrayList<>();
        List<PoolView> using = pools.all().stream().filter(p -> p.templateId().equals(templateId)).toList();
        using.stream().limit(NAMED).forEach(p -> users.add("pool \"" + p.name() + "\" uses version " + p.templateVersion()));
        if (using.size() > NAMED) {
            users.add((using.size() - NAMED) + " more pools");
        }
        long running = desktops.all(null, false).stream().map(DesktopView::templateId).filter(templateId::equals).count();
        if (running > 0) {
            users.add(running + (running == 1 ? " desktop runs it" : " desktops run it"));
        }
        return users;
    }
}
