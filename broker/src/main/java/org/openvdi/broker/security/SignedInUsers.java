package org.openvdi.broker.security;

import static org.openvdi.broker.store.SqlTimes.utc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.security.api.Role;
import org.openvdi.broker.security.api.SignInSource;
import org.openvdi.broker.security.api.UserSignedInEvent;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code signed_in_user} in step with the sign-ins of users from a provider or a directory, in the recording
 * command's transaction, and answers what roles and groups such a user got at their latest sign-in.
 */
@Component
@ProcessingGroup("projections")
class SignedInUsers {

    /** A user of a provider or a directory as of their latest sign-in. */
    record Known(String name, SignInSource source, List<Role> roles, List<String> groups) {
    }

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    SignedInUsers(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(UserSignedInEvent e, @Timestamp Instant at) throws JsonProcessingException {
        if (e.source() == SignInSource.LOCAL) {
            return;
        }
        String roles = String.join(",", e.roles().stream().map(Role::name).toList());
        jdbc.sql("""
                INSERT INTO signed_in_user (user_name, source, roles, groups, signed_in_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_name) DO UPDATE SET source = EXCLUDED.source, roles = EXCLUDED.roles,
                    groups = EXCLUDED.groups, signed_in_at = EXCLUDED.signed_in_at
                WHERE signed_in_user.signed_in_at <= EXCLUDED.signed_in_at""")
                .params(e.userName(), e.source().name(), roles, json.writeValueAsString(e.groups()), utc(at))
                .update();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "signed_in_user");
    }

    Optional<Known> find(String name) {
        return jdbc.sql("SELECT source, roles, groups FROM signed_in_user WHERE user_name = ?").param(name)
                .query((rs, row) -> new Known(name, SignInSource.valueOf(rs.getString("source")),
                        roles(rs.getString("roles")), strings(rs.getString("groups"))))
                .optional();
    }

    private static List<Role> roles(String stored) {
        return stored.isEmpty() ? List.of() : Arrays.stream(stored.split(",")).map(Role::valueOf).toList();
    }

    private List<String> strings(String stored) {
        try {
            return json.readValue(stored, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable groups in signed_in_user", e);
        }
    }
}
