package org.openvdi.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each table is read and written only by the feature that owns it (ARCHITECTURE.md, style rule 11): any other
 * feature asks that feature's queries. Checked on the sources: the tables are those the Flyway migrations create,
 * and a feature "uses" a table when one of its string literals or text blocks (its SQL; comments do not count)
 * names it.
 */
class TableOwnershipTest {

    private static final Path SOURCES = Path.of("src/main/java/org/openvdi/broker");
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /** Axon's own tables: the event store, tokens, sagas and dead letters, all kept by its storage engine. */
    private static final Set<String> AXON = Set.of("domainevententry", "snapshotevententry", "tokenentry", "sagaentry",
            "associationvalueentry", "deadletterentry");

    /**
     * Features that may read a table they do not own, and why. The hash chain vouches for the event store's rows as
     * stored, so its sealer and verifier read them byte for byte (never write them).
     */
    private static final Map<String, Set<String>> READERS = Map.of("domainevententry", Set.of("integrity"));

    /** Table to owning feature: the one package under org.openvdi.broker whose SQL may name it. */
    private static final Map<String, String> OWNERS = owners();

    private static Map<String, String> owners() {
        Map<String, String> owners = new TreeMap<>(Map.ofEntries(
                Map.entry("host_view", "host"),
                Map.entry("template_view", "template"),
                Map.entry("template_version_view", "template"),
                Map.entry("pool_view", "pool"),
                Map.entry("desktop_view", "desktop"),
                Map.entry("session_view", "session"),
                Map.entry("open_session", "session"),
                Map.entry("session_share", "session"),
                Map.entry("connection_token", "connect"),
                Map.entry("telemetry_connection", "telemetry"),
                Map.entry("processed_telemetry", "telemetry"),
                Map.entry("limit_counter", "limits"),
                Map.entry("rollout_view", "rollout"),
                Map.entry("rollout_desktop", "rollout"),
                Map.entry("rollout_notice", "rollout"),
                Map.entry("rollout_image_deletion", "rollout"),
                Map.entry("recording_view", "recording"),
                Map.entry("api_token", "apitoken"),
                Map.entry("signed_in_user", "security"),
                Map.entry("event_chain_link", "integrity"),
                Map.entry("event_chain_gap", "integrity"),
                Map.entry("audit_session", "auditlog"),
                Map.entry("audit_holder", "auditlog"),
                Map.entry("audit_change", "auditlog"),
                Map.entry("audit_security", "auditlog"),
                Map.entry("audit_desktop", "auditlog"),
                Map.entry("audit_image", "auditlog"),
                Map.entry("audit_object", "auditlog"),
                Map.entry("demand_bucket", "demand"),
                Map.entry("demand_request", "demand"),
                Map.entry("demand_desktop", "demand"),
                Map.entry("demand_lead_time", "demand"),
                Map.entry("forecast_run", "forecast"),
                Map.entry("backtest_run", "backtest"),
                Map.entry("host_inventory", "reconcile"),
                Map.entry("session_message", "notice")));
        AXON.forEach(table -> owners.put(table, "store"));
        return owners;
    }

    @Test
    void givenMigrations_whenTheyCreateATable_thenItHasAnOwner() {
        Set<String> created = createdTables();

        assertThat(created).as("tables the migrations create").isNotEmpty().contains("desktop_view", "domainevententry");
        assertThat(OWNERS.keySet()).as("every table the migrations create needs an owner here")
                .containsAll(created);
    }

    @Test
    void givenMainSources_whenTheirSqlNamesATable_thenOnlyItsOwnerDoes() {
        Map<String, Set<String>> used = tablesUsedByFeature();
        List<String> foreign = new ArrayList<>();
        used.forEach((feature, tables) -> tables.stream().filter(table -> !OWNERS.get(table).equals(feature))
                .filter(table -> !READERS.getOrDefault(table, Set.of()).contains(feature))
                .forEach(table -> foreign.add(feature + " uses " + table + ", owned by " + OWNERS.get(table))));

        assertThat(foreign).as("SQL naming another feature's table: ask the owner's queries instead").isEmpty();
    }

    /** Guards the scan itself: a scan that finds nothing would pass the rule above for the wrong reason. */
    @Test
    void givenMainSources_whenScanned_thenEachOwnerIsSeenUsingItsTables() {
        Map<String, Set<String>> used = tablesUsedByFeature();

        OWNERS.forEach((table, owner) -> {
            if (!AXON.contains(table)) {
                assertThat(used.getOrDefault(owner, Set.of())).as(owner + " uses " + table).contains(table);
            }
        });
    }

    private static Set<String> createdTables() {
        Pattern create = Pattern.compile("CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)", Pattern.CASE_INSENSITIVE);
        Set<String> tables = new TreeSet<>();
        for (Path migration : files(MIGRATIONS, ".sql")) {
            Matcher matcher = create.matcher(read(migration));
            while (matcher.find()) {
                tables.add(matcher.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return tables;
    }

    /** Feature (first package under org.openvdi.broker, "" for the root) to the tables its string literals name. */
    private static Map<String, Set<String>> tablesUsedByFeature() {
        Map<String, Pattern> names = new TreeMap<>();
        OWNERS.keySet().forEach(table -> names.put(table,
                Pattern.compile("\\b" + table + "\\b", Pattern.CASE_INSENSITIVE)));
        Map<String, Set<String>> used = new TreeMap<>();
        for (Path source : files(SOURCES, ".java")) {
            Path relative = SOURCES.relativize(source);
            String feature = relative.getNameCount() > 1 ? relative.getName(0).toString() : "";
            String literals = stringLiterals(read(source));
            names.forEach((table, name) -> {
                if (name.matcher(literals).find()) {
                    used.computeIfAbsent(feature, f -> new TreeSet<>()).add(table);
                }
            });
        }
        return used;
    }

    /** The contents of a Java file's string literals and text blocks, one per line; comments are skipped. */
    static String stringLiterals(String java) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < java.length()) {
            if (java.startsWith("//", i)) {
                i = end(java.indexOf('\n', i), java);
            } else if (java.startsWith("/*", i)) {
                i = end(java.indexOf("*/", i + 2), java) + 2;
            } else if (java.startsWith("\"\"\"", i)) {
                int close = closing(java, i + 3, "\"\"\"");
                out.append(java, i + 3, close).append('\n');
                i = close + 3;
            } else if (java.charAt(i) == '"' || java.charAt(i) == '\'') {
                String quote = String.valueOf(java.charAt(i));
                int close = closing(java, i + 1, quote);
                out.append(java, i + 1, close).append('\n');
                i = close + 1;
            } else {
                i++;
            }
        }
        return out.toString();
    }

    /** Where {@code quote} closes a literal that starts at {@code from}, skipping escaped characters. */
    private static int closing(String java, int from, String quote) {
        int i = from;
        while (i < java.length() && !java.startsWith(quote, i)) {
            i += java.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i, java.length());
    }

    private static int end(int index, String java) {
        return index < 0 ? java.length() : index;
    }

    private static List<Path> files(Path root, String suffix) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(path -> path.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
