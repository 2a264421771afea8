package org.openvdi.gateway.web;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may use the gateway's web endpoints, bound from {@code openvdi.gateway.*}.
 *
 * @param allowedOrigins         origins ({@code https://host[:port]}; a path is ignored) whose pages may open a
 *                               tunnel: the gateway's public URL. Empty (the default): only the gateway's own
 *                               origin as the request addressed it, i.e. the {@code /connect} page it serves
 * @param managementUser         user name for the management endpoints (HTTP Basic), default {@code admin}
 * @param managementPasswordHash bcrypt hash of that user's password ({@code $2a$}/{@code $2b$}/{@code $2y$}...).
 *                               Unset: every management endpoint but health is refused to everyone
 */
@ConfigurationProperties("openvdi.gateway")
public record GatewayWebSettings(
        @DefaultValue List<URI> allowedOrigins,
        @DefaultValue("admin") String managementUser,
        String managementPasswordHash) {

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");

    public GatewayWebSettings {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        for (URI origin : allowedOrigins) {
            if (OriginCheck.originOf(origin) == null) {
                throw new IllegalArgumentException("openvdi.gateway.allowed-origins: " + origin
                        + " is not an http:// or https:// URL with a host");
            }
        }
        if (managementPasswordHash != null && managementPasswordHash.isBlank()) {
            managementPasswordHash = null;
        }
        if (managementPasswordHash != null && !BCRYPT.matcher(managementPasswordHash).matches()) {
            throw new IllegalArgumentException("openvdi.gateway.management-password-hash must be a bcrypt hash "
                    + "(for example from: htpasswd -nbBC 12 admin 'password' | cut -d: -f2)");
        }
    }

    /** Keeps the hash out of logs. */
    @Override
    public String toString() {
        return "GatewayWebSettings[allowedOrigins=" + allowedOrigins + ", managementUser=" + managementUser
                + ", managementPasswordHash=" + (managementPasswordHash == null ? "unset" : "set") + "]";
    }
}
