package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.store.ShadowTables.TableComparison;
import org.openvdi.broker.testsupport.SharedPostgres;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The comparison of a live table with its rebuilt shadow, on the shared real PostgreSQL: rows count as multisets
 * (as {@code EXCEPT ALL} counts them), nulls equal nulls, and only differing rows are listed.
 */
class ShadowTablesTest {

    private final JdbcClient jdbc = JdbcClient.create(SharedPostgres.dataSource());

    @BeforeEach
    void tables() {
        jdbc.sql("DROP TABLE IF EXISTS shadow_compare_live, shadow_compare_rebuilt").update();
        jdbc.sql("CREATE TABLE shadow_compare_live (id INTEGER, name VARCHAR(20), at TIMESTAMPTZ, detail JSONB)").update();
        jdbc.sql("CREATE TABLE shadow_compare_rebuilt (LIKE shadow_compare_live)").update();
    }

    @Test
    void givenEqualRowsWithNulls_whenCompared_thenIdentical() {
        for (String table : new String[] {"shadow_compare_live", "shadow_compare_rebuilt"}) {
            jdbc.sql("INSERT INTO " + table + " VALUES (1, 'a', '2025-01-06T07:00:00Z', '{\"k\": 1}'), (2, NULL, NULL, NULL)")
                    .update();
        }

        TableComparison comparison = ShadowTables.compare(jdbc, "shadow_compare_live", "shadow_compare_rebuilt", 10);

        assertThat(comparison.identical()).isTrue();
        assertThat(comparison.liveRows()).isEqualTo(2);
        assertThat(comparison.rebuiltRows()).isEqualTo(2);
        assertThat(comparison.onlyLiveRows()).isEmpty();
    }

    @Test
    void givenDifferentRowsAndDuplicates_whenCompared_thenEachSideIsCountedAndListed() {
        jdbc.sql("INSERT INTO shadow_compare_live VALUES (1, 'a', NULL, NULL), (1, 'a', NULL, NULL), (2, 'b', NULL, NULL),"
                + " (3, 'live only', NULL, '{\"k\": 1}')").update();
        jdbc.sql("INSERT INTO shadow_compare_rebuilt VALUES (1, 'a', NULL, NULL), (2, 'b', NULL, NULL),"
                + " (3, 'live only', NULL, '{\"k\": 2}'), (4, NULL, NULL, NULL)").update();

        TableComparison comparison = ShadowTables.compare(jdbc, "shadow_compare_live", "shadow_compare_rebuilt", 1);

        assertThat(comparison.identical()).isFalse();
        assertThat(comparison.liveRows()).isEqualTo(4);
        assertThat(comparison.rebuiltRows()).isEqualTo(4);
        assertThat(comparison.onlyLive()).as("the second (1, a) and the live (3, ...)").isEqualTo(2);
        assertThat(comparison.onlyRebuilt()).as("the rebuilt (3, ...) and (4)").isEqualTo(2);
        assertThat(comparison.onlyLiveRows()).hasSize(1);
        assertThat(comparison.onlyRebuiltRows()).hasSize(1);
    }
}
