package org.openvdi.broker.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.pool.PoolQueries;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Whether a store is the demo's own. Two marks, both required:
 * <ul>
 *   <li>the PostgreSQL server keeps its data in the demo's data directory (the embedded one of {@code ./vdi up},
 *   {@code data/postgres} of the checkout), as the server itself reports it ({@code SHOW data_directory});</li>
 *   <li>the store holds the demo profile's seed: the host {@value DemoSetup#HOST} and a pool named
 *   "{@value DemoSetup#POOL}" (or "{@value DemoSetup#POOL} (template)").</li>
 * </ul>
 * A production store has neither, so the history is never written into it.
 */
final class DemoStoreCheck {

    private final JdbcClient jdbc;
    private final HostQueries hosts;
    private final PoolQueries pools;

    DemoStoreCheck(JdbcClient jdbc, HostQueries hosts, PoolQueries pools) {
        this.jdbc = jdbc;
        this.hosts = hosts;
        this.pools = pools;
    }

    /** Throws {@link DemoHistoryRefusedException} unless the store is the demo's, in {@code demoDataDirectory}. */
    void requireDemoStore(Path demoDataDirectory) {
        if (demoDataDirectory == null) {
            throw new DemoHistoryRefusedException("No demo data directory given: the history is written only into the"
                    + " demo's own store");
        }
        String reported = jdbc.sql("SHOW data_directory").query(String.class).single();
        if (!sameDirectory(Path.of(reported), demoDataDirectory)) {
            throw new DemoHistoryRefusedException("This store is not the demo's: its PostgreSQL keeps its data in "
                    + reported + ", not in the demo's " + demoDataDirectory);
        }
        boolean seeded = hosts.nameTaken(DemoSetup.HOST)
                && pools.all().stream().anyMatch(p -> p.name().equals(DemoSetup.POOL) || p.name().startsWith(DemoSetup.POOL + " ("));
        if (!seeded) {
            throw new DemoHistoryRefusedException("This store has no demo seed (host '" + DemoSetup.HOST + "' and pool '"
                    + DemoSetup.POOL + "'): start the demo with ./vdi up first");
        }
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
