package org.openvdi.broker.auditlog;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the audit read models ({@code openvdi.audit.log.*}).
 *
 * @param batchSize   events the live projection handles per transaction (1 to 10,000)
 * @param pageLimit   rows a page of an audit list holds when the request names no limit
 * @param maxPageSize the most rows a request may ask for in one page; more is refused with 400, never cut
 * @param fetchSize   rows an export reads from PostgreSQL at a time while it streams
 */
@ConfigurationProperties("openvdi.audit.log")
record AuditLogSettings(@DefaultValue("2000") int batchSize, @DefaultValue("100") int pageLimit,
                        @DefaultValue("1000") int maxPageSize, @DefaultValue("1000") int fetchSize) {

    AuditLogSettings {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("openvdi.audit.log.batch-size must be between 1 and 10000, not " + batchSize);
        }
        if (pageLimit < 1 || maxPageSize < pageLimit) {
            throw new IllegalArgumentException("openvdi.audit.log.page-limit must be at least 1 and at most max-page-size");
        }
        if (fetchSize < 1) {
            throw new IllegalArgumentException("openvdi.audit.log.fetch-size must be at least 1");
        }
    }
}
