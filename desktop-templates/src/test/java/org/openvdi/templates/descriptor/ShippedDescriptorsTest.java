package org.openvdi.templates.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every template the project ships has a descriptor the reader takes as it is. */
class ShippedDescriptorsTest {

    @Test
    void givenTheShippedTemplates_whenTheirDescriptorsAreRead_thenEachIsValid() throws IOException {
        List<Path> descriptors;
        try (Stream<Path> files = Files.list(Path.of("."))) {
            descriptors = files.map(dir -> dir.resolve("template.yaml")).filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(descriptors).extracting(d -> d.getParent().getFileName().toString()).contains("tiny", "debian-xfce");

        TemplateDescriptorReader reader = new TemplateDescriptorReader();
        for (Path descriptor : descriptors) {
            assertThat(reader.read(descriptor).name()).as(descriptor.toString()).isNotBlank();
        }
    }
}
