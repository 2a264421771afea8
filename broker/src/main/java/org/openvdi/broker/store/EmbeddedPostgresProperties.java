package org.openvdi.broker.store;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL used when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where its data lives; it survives restarts
 * @param port          TCP port on loopback; 0 picks a free one
 */
@ConfigurationProperties("openvdi.embedded-postgres")
public record EmbeddedPostgresProperties(@DefaultValue("data/postgres") String dataDirectory,
                                         @DefaultValue("0") int port) {
}
