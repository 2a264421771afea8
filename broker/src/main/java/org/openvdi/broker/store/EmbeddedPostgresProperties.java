package org.openvdi.broker.store;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL used when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where its data lives; it survives restarts
 * @param port          TCP port on loopback; 0 picks a free one
 * @param durable       on (the default): every commit is flushed to disk before it is acknowledged ({@code fsync},
 *                      {@code synchronous_commit} and {@code full_page_writes} on), so an event the broker has
 *                      answered for survives a power loss. Off trades that for speed, for tests only: a crash of the
 *                      machine may then lose recent commits or corrupt the data directory.
 * @param statementStatistics on: PostgreSQL loads {@code pg_stat_statements} (off by default), so that a benchmark
 *                      can count the statements a request costs ({@code StormBench})
 */
@ConfigurationProperties("openvdi.embedded-postgres")
public record EmbeddedPostgresProperties(@DefaultValue("data/postgres") String dataDirectory,
                                         @DefaultValue("0") int port,
                                         @DefaultValue("true") boolean durable,
                                         @DefaultValue("false") boolean statementStatistics) {
}
