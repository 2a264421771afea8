package org.openvdi.broker.template;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads templates and their versions. */
@Component
public class TemplateQueries {

    private final JdbcClient jdbc;

    TemplateQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<TemplateView> all() {
        return jdbc.sql("SELECT * FROM template_view ORDER BY name").query(this::map).list();
    }

    public Optional<TemplateView> find(UUID id) {
        return jdbc.sql("SELECT * FROM template_view WHERE id = ?").param(id).query(this::map).optional();
    }

    public Optional<TemplateView.Version> version(UUID templateId, int version) {
        return versions(templateId).stream().filter(v -> v.version() == version).findFirst();
    }

    public boolean nameTaken(String name) {
        return jdbc.sql("SELECT count(*) FROM template_view WHERE name = ?").param(name).query(Long.class).single() > 0;
    }

    private List<TemplateView.Version> versions(UUID templateId) {
        return jdbc.sql("SELECT * FROM template_version_view WHERE template_id = ? ORDER BY version")
                .param(templateId)
                .query((rs, row) -> new TemplateView.Version(rs.getInt("version"), rs.getString("image_path"),
                        rs.getString("sha256"), rs.getString("format"), rs.getLong("size_bytes"),
                        rs.getBoolean("retired"), rs.getTimestamp("published_at").toInstant()))
                .list();
    }

    private TemplateView map(ResultSet rs, int row) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        return new TemplateView(id, rs.getString("name"), rs.getInt("vcpus"), rs.getInt("memory_mib"),
                rs.getTimestamp("registered_at").toInstant(), descriptor(rs), versions(id));
    }

    /** The stored descriptor; a row projected before descriptors existed has the short form's. */
    private TemplateDescriptor descriptor(ResultSet rs) throws SQLException {
        String stored = rs.getString("descriptor");
        if (stored == null) {
            return TemplateDescriptor.shortForm(rs.getString("name"), rs.getInt("vcpus"), rs.getInt("memory_mib"));
        }
        return DescriptorColumn.read(stored);
    }
}
