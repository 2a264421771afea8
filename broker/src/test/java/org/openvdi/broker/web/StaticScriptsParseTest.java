package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every script of the broker's pages and of the gateway's connect page parses (Node.js's {@code --check}, installed by
 * ./vdi's setup): one stray parenthesis in a console module stops the whole console loading, which a browser test
 * shows only as a page that never draws. A module is checked as a module; a page's classic script, as a script.
 * The vendored libraries are left out.
 */
class StaticScriptsParseTest {

    private static final List<Path> ROOTS = List.of(Path.of("src/main/resources/static"),
            Path.of("../gateway/src/main/resources/static"));

    static Stream<Path> scripts() throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path root : ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".js") && !f.toString().contains("/vendor/")
                        && !f.toString().endsWith(".min.js")).forEach(all::add);
            }
        }
        assertThat(all).as("scripts under " + ROOTS).hasSizeGreaterThan(10);
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void parses(Path script) throws Exception {
        String source = Files.readString(script);
        boolean module = source.lines().anyMatch(line -> line.startsWith("import ") || line.startsWith("export "));
        Process node = new ProcessBuilder("node", "--check", "--input-type=" + (module ? "module" : "commonjs"))
                .redirectErrorStream(true).redirectInput(script.toFile()).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(script + " does not parse:\n" + output).isZero();
    }
}
