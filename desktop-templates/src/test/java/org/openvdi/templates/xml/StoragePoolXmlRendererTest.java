package org.openvdi.templates.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.openvdi.templates.xml.ParsedXml.only;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

class StoragePoolXmlRendererTest {

    private final StoragePoolXmlRenderer renderer = new StoragePoolXmlRenderer();

    @Test
    void givenDirPool_whenRendered_thenNameAndTargetPathAreSet() throws Exception {
        StoragePoolDefinition pool = new StoragePoolDefinition("openvdi", "/var/lib/openvdi/pools/openvdi");

        Element root = ParsedXml.parse(renderer.render(pool)).getDocumentElement();

        assertThat(root.getTagName()).isEqualTo("pool");
        assertThat(root.getAttribute("type")).isEqualTo("dir");
        assertThat(only(root, "name").getTextContent()).isEqualTo("openvdi");
        assertThat(only(root, "target", "path").getTextContent()).isEqualTo("/var/lib/openvdi/pools/openvdi");
    }

    @Test
    void givenPathWithMarkupCharacters_whenRendered_thenPathComesBackExactly() throws Exception {
        String path = "/srv/<pools>/o'brien & co; $(rm -rf)";
        StoragePoolDefinition pool = new StoragePoolDefinition("p1", path);

        Element root = ParsedXml.parse(renderer.render(pool)).getDocumentElement();

        assertThat(only(root, "target", "path").getTextContent()).isEqualTo(path);
        assertThat(ParsedXml.elementNames(root)).containsExactly("pool", "name", "target", "path");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"../etc", "..", "a/b", "<script>", "$(rm -rf /)", "pool;reboot", "pool'x", ".hidden", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void givenUnsafePoolName_whenDefined_thenRejected(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> new StoragePoolDefinition(name, "/var/lib/openvdi/pools/x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"relative/dir", "/var/lib/openvdi/pools/../../etc", "/var/lib/./x", "/var/lib/x/", "/a\nb"})
    void givenUnsafeTargetPath_whenDefined_thenRejected(String path) {
        assertThatIllegalArgumentException().isThrownBy(() -> new StoragePoolDefinition("openvdi", path));
    }
}
