package org.openvdi.templates.descriptor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a template descriptor from YAML or JSON and checks it ({@link DescriptorBinder}). Hostile documents are
 * refused before anything is built from them: more than {@link #MAX_BYTES} bytes, nesting deeper than
 * {@link #MAX_DEPTH}, duplicate keys, anything after the document, and in YAML every anchor, alias and explicit
 * tag (so no alias bomb expands and no tag picks a type). Every refusal is a {@link DescriptorException}
 * naming the source, the key and the rule.
 */
public final class TemplateDescriptorReader {

    /** The largest descriptor read, in bytes. */
    public static final int MAX_BYTES = 64 * 1024;
    /** The deepest nesting of mappings and lists read. */
    public static final int MAX_DEPTH = 8;
    private static final String DOCUMENT = "(document)";

    private final ObjectMapper yaml;
    private final ObjectMapper json;
    private final YamlNodeProperties nodeProperties;

    public TemplateDescriptorReader() {
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(0);
        loader.setNestingDepthLimit(MAX_DEPTH + 1);
        loader.setCodePointLimit(MAX_BYTES);
        loader.setAllowRecursiveKeys(false);
        this.nodeProperties = new YamlNodeProperties(loader);
        this.yaml = strict(new ObjectMapper(YAMLFactory.builder().loaderOptions(loader)
                .streamReadConstraints(limits()).build()));
        this.json = strict(new ObjectMapper(JsonFactory.builder().streamReadConstraints(limits()).build()));
    }

    /** Reads a descriptor file (YAML); messages name it as given. */
    public TemplateDescriptor read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw tooLarge(file.toString());
        }
        return readYaml(file.toString(), Files.readAllBytes(file));
    }

    /** Reads a YAML descriptor (the short form too); {@code source} names it in messages. */
    public TemplateDescriptor readYaml(String source, byte[] document) {
        requireSize(source, document);
        refuseAnchorsAliasesAndTags(source, document);
        return DescriptorBinder.bind(source, tree(yaml, source, document));
    }

    /** Reads a JSON descriptor (the short form too); {@code source} names it in messages. */
    public TemplateDescriptor readJson(String source, byte[] document) {
        requireSize(source, document);
        return DescriptorBinder.bind(source, tree(json, source, document));
    }

    private static StreamReadConstraints limits() {
        return StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_BYTES)
                .maxNumberLength(20).maxDocumentLength(MAX_BYTES).build();
    }

    private static ObjectMapper strict(ObjectMapper mapper) {
        return mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }

    private static void requireSize(String source, byte[] document) {
        if (document == null || document.length == 0) {
            throw new DescriptorException(source, DOCUMENT, "is empty; a descriptor is a mapping with name, hardware and boot");
        }
        if (document.length > MAX_BYTES) {
            throw tooLarge(source);
        }
    }

    private static DescriptorException tooLarge(String source) {
        return new DescriptorException(source, DOCUMENT, "is larger than " + MAX_BYTES + " bytes");
    }

    private static JsonNode tree(ObjectMapper mapper, String source, byte[] document) {
        try {
            JsonNode root = mapper.readTree(document);
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new DescriptorException(source, DOCUMENT, "is empty; a descriptor is a mapping with name, hardware and boot");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntax(source, e);
        } catch (IOException e) {
            throw new DescriptorException(source, DOCUMENT, "cannot be read");
        } catch (RuntimeException e) {
            if (e instanceof DescriptorException refused) {
                throw refused;
            }
            // SnakeYAML's own limits (code points, nesting, duplicate keys) throw unchecked
            throw new DescriptorException(source, DOCUMENT, "is not a well-formed document within the limits (at most "
                    + MAX_BYTES + " bytes, nesting depth " + MAX_DEPTH + ", no duplicate keys)");
        }
    }

    private static DescriptorException syntax(String source, JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return new DescriptorException(source, DOCUMENT, "is not well-formed" + where
                + "; one document, no duplicate keys, nesting depth at most " + MAX_DEPTH);
    }

    private void refuseAnchorsAliasesAndTags(String source, byte[] document) {
        try (JsonParser parser = yaml.getFactory().createParser(document)) {
            YAMLParser yamlParser = (YAMLParser) parser;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (yamlParser.isCurrentAlias() || yamlParser.getObjectId() != null) {
                    throw new DescriptorException(source, location(parser, token), "anchors and aliases (& and *) are not allowed");
                }
                if (yamlParser.getTypeId() != null) {
                    throw new DescriptorException(source, location(parser, token), "tags (!...) are not allowed");
                }
            }
            nodeProperties.refuse(source, document);
        } catch (JsonProcessingException e) {
            throw syntax(source, e);
        } catch (IOException e) {
            throw new DescriptorException(source, DOCUMENT, "cannot be read");
        } catch (DescriptorException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DescriptorException(source, DOCUMENT, "is not a well-formed document within the limits (at most "
                    + MAX_BYTES + " bytes, nesting depth " + MAX_DEPTH + ", no duplicate keys, no aliases)");
        }
    }

    /** The key whose value the parser is at (a mapping or list starts a context of its own: its key is the parent's). */
    private static String location(JsonParser parser, JsonToken token) {
        boolean opens = token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY;
        return DescriptorBinder.safePath(opens ? parser.getParsingContext().getParent() : parser.getParsingContext());
    }
}
