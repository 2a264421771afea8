package org.openvdi.templates.descriptor;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Refuses every anchor, alias and explicit tag in a YAML document, on SnakeYAML's own parse events. Jackson's
 * YAML parser drops anchors on scalar values ({@code name: &n x}), so the reader's token check alone misses them.
 * A refusal names the key of the node that carries the property (plain identifiers only, {@code ?} otherwise).
 */
final class YamlNodeProperties {

    private final Yaml yaml;

    YamlNodeProperties(LoaderOptions options) {
        this.yaml = new Yaml(options);
    }

    /** One open mapping or sequence: the key being read (mappings) or the index of the next item (sequences). */
    private static final class Frame {
        final boolean mapping;
        boolean atKey = true;
        String key;
        int index;

        Frame(boolean mapping) {
            this.mapping = mapping;
        }
    }

    void refuse(String source, byte[] document) {
        Deque<Frame> open = new ArrayDeque<>();
        for (Event event : yaml.parse(new InputStreamReader(new java.io.ByteArrayInputStream(document), StandardCharsets.UTF_8))) {
            if (event instanceof AliasEvent || event instanceof NodeEvent node && node.getAnchor() != null) {
                throw new DescriptorException(source, path(open), "anchors and aliases (& and *) are not allowed");
            }
            if (event instanceof ScalarEvent scalar && scalar.getTag() != null
                    || event instanceof CollectionStartEvent collection && collection.getTag() != null) {
                throw new DescriptorException(source, path(open), "tags (!...) are not allowed");
            }
            if (event instanceof CollectionStartEvent) {
                open.push(new Frame(event instanceof MappingStartEvent));
            } else if (event instanceof CollectionEndEvent) {
                open.pop();
                advance(open, null);
            } else if (event instanceof ScalarEvent scalar) {
                advance(open, scalar.getValue());
            }
        }
    }

    /** A node was read in the innermost collection: a key, a mapping's value, or a sequence's item. */
    private static void advance(Deque<Frame> open, String scalar) {
        Frame frame = open.peek();
        if (frame == null) {
            return;
        }
        if (!frame.mapping) {
            frame.index++;
        } else if (frame.atKey) {
            frame.key = scalar;
            frame.atKey = false;
        } else {
            frame.atKey = true;
        }
    }

    private static String path(Deque<Frame> open) {
        List<String> parts = new ArrayList<>();
        open.descendingIterator().forEachRemaining(frame -> {
            if (!frame.mapping) {
                parts.add("[" + frame.index + "]");
            } else if (!frame.atKey) {
                parts.add(DescriptorBinder.shownKey(frame.key));
            }
        });
        return parts.isEmpty() ? "(document)" : String.join(".", parts);
    }
}
