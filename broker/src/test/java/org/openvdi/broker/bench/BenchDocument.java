package org.openvdi.broker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's report in Markdown: what ran, on which machine, then its tables and notes. {@link #publish}
 * prints it and writes it to {@code target/bench/}.
 */
final class BenchDocument {

    private final String title;
    private final List<String> settings = new ArrayList<>();
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final StringBuilder body = new StringBuilder();

    BenchDocument(String title) {
        this.title = title;
    }

    BenchDocument setting(String line) {
        settings.add(line);
        return this;
    }

    BenchDocument machine(Map<String, String> facts) {
        machine.putAll(facts);
        return this;
    }

    /** A section with a table: the first column is left-aligned, the figures right-aligned. */
    BenchDocument table(String heading, List<String> columns, List<List<String>> rows) {
        body.append("\n## ").append(heading).append("\n\n").append(row(columns)).append("|---")
                .append("|---:".repeat(columns.size() - 1)).append("|\n");
        rows.forEach(cells -> body.append(row(cells)));
        return this;
    }

    /** A section with text only. */
    BenchDocument section(String heading, String text) {
        body.append("\n## ").append(heading).append("\n\n").append(text).append('\n');
        return this;
    }

    /** A paragraph (or a list, one "- " item per line) after what came before. */
    BenchDocument text(String text) {
        body.append('\n').append(text).append('\n');
        return this;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        settings.forEach(line -> md.append("- ").append(line).append('\n'));
        md.append("\n## Machine\n\n| | |\n|---|---|\n");
        machine.forEach((key, value) -> md.append(row(List.of(key, value))));
        return md.append(body).toString();
    }

    /** Prints the report and writes it to {@code target/bench/<fileName>}. */
    Path publish(String fileName) {
        String markdown = markdown();
        Path out = Path.of("target/bench", fileName).toAbsolutePath();
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, markdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("\n" + markdown + "\nWritten to " + out + "\n");
        return out;
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }
}
