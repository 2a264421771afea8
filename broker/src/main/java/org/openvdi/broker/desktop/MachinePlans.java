package org.openvdi.broker.desktop;

import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.template.TemplateQueries;
import org.openvdi.broker.template.TemplateView;
import org.springframework.stereotype.Component;

/** What a desktop is built from on a host: its template version's image and descriptor (provisioning and moves). */
@Component
class MachinePlans {

    private final TemplateQueries templates;
    private final PersistentPools persistentPools;

    MachinePlans(TemplateQueries templates, PersistentPools persistentPools) {
        this.templates = templates;
        this.persistentPools = persistentPools;
    }

    ProvisioningSteps.Plan of(DesktopView desktop, HostTarget host, boolean poweringOn) {
        TemplateView template = templates.find(desktop.templateId()).orElseThrow();
        TemplateView.Version version = templates.version(desktop.templateId(), desktop.templateVersion()).orElseThrow();
        ImageSpec image = new ImageSpec(version.imagePath(), version.sha256(), version.format(), version.sizeBytes())
                .withDiskGiB(template.descriptor().hardware().diskGiB());
        return new ProvisioningSteps.Plan(desktop.id(), desktop.state(), poweringOn, host, image,
                template.name() + " v" + version.version(), template.descriptor(), persistent(desktop));
    }

    /**
     * A desktop with an owner, and any desktop of a persistent pool: a spare there becomes the desktop of the user
     * who takes it, so it is built with the user disk that user's data will live on.
     */
    private boolean persistent(DesktopView desktop) {
        return desktop.owner() != null || persistentPools.persistent(desktop.poolId());
    }
}
