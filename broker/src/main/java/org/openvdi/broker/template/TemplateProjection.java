package org.openvdi.broker.template;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.store.ReadModelReset;
import org.openvdi.broker.template.api.TemplateDeletedEvent;
import org.openvdi.broker.template.api.TemplateRegisteredEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.openvdi.broker.template.api.TemplateVersionRetiredEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code template_view} and {@code template_version_view} in step with the template events. */
@Component
@ProcessingGroup("projections")
class TemplateProjection {

    private final JdbcClient jdbc;

    TemplateProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(TemplateRegisteredEvent e, @Timestamp Instant at) {
        jdbc.sql("INSERT INTO template_view (id, name, vcpus, memory_mib, registered_at, descriptor) VALUES (?, ?, ?, ?, ?, ?)")
                .params(e.templateId(), e.name(), e.vcpus(), e.memoryMiB(), utc(at),
                        DescriptorColumn.write(e.descriptorOrShortForm())).update();
    }

    @EventHandler
    void on(TemplateVersionPublishedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO template_version_view (template_id, version, image_path, sha256, format, size_bytes, published_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(e.templateId(), e.version(), e.imagePath(), e.sha256(), e.format(), e.sizeBytes(),
                        utc(at)).update();
    }

    @EventHandler
    void on(TemplateVersionRetiredEvent e) {
        jdbc.sql("UPDATE template_version_view SET retired = TRUE WHERE template_id = ? AND version = ?")
                .params(e.templateId(), e.version()).update();
    }

    @EventHandler
    void on(TemplateDeletedEvent e) {
        jdbc.sql("DELETE FROM template_version_view WHERE template_id = ?").param(e.templateId()).update();
        jdbc.sql("DELETE FROM template_view WHERE id = ?").param(e.templateId()).update();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "template_version_view", "template_view");
    }
}
