package org.openvdi.broker.template;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.contract.DisplayTextValidator;
import org.openvdi.templates.descriptor.DescriptorException;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.templates.descriptor.TemplateDescriptorReader;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Reads a descriptor from a request body (JSON, or YAML) and applies the broker's free-text rule
 * ({@link org.openvdi.broker.web.DisplayText}) to its text. A refusal is {@code VALIDATION_FAILED} with the
 * reader's message, which names the key and the rule but never a value.
 */
@Component
public class TemplateDescriptors {

    static final String APPLICATION_YAML = "application/yaml";
    private static final String SOURCE = "request body";

    private final TemplateDescriptorReader reader = new TemplateDescriptorReader();

    TemplateDescriptor read(byte[] body, MediaType type) {
        return read(SOURCE, body, MediaType.APPLICATION_JSON.isCompatibleWith(type));
    }

    /**
     * Reads a descriptor file (YAML, as {@code desktop-templates/NAME/template.yaml}) with the same checks as a
     * request body; messages name the file.
     */
    public TemplateDescriptor readFile(Path file) {
        String source = file.getFileName().toString();
        try {
            if (Files.size(file) > TemplateDescriptorReader.MAX_BYTES) {
                throw new BrokerException(ErrorCode.VALIDATION_FAILED, source + ": (document): must be at most "
                        + TemplateDescriptorReader.MAX_BYTES + " bytes");
            }
            return read(source, Files.readAllBytes(file), false);
        } catch (IOException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, source + ": (document): cannot be read");
        }
    }

    private TemplateDescriptor read(String source, byte[] body, boolean json) {
        requireUtf8(source, body);
        TemplateDescriptor descriptor;
        try {
            descriptor = json ? reader.readJson(source, body) : reader.readYaml(source, body);
        } catch (DescriptorException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, e.getMessage(),
                    e.key() == null || e.key().startsWith("(") ? null : e.key());
        }
        requireDisplayText(source, "name", descriptor.name(), 100);
        requireDisplayText(source, "guest.os", descriptor.guest().os(), 64);
        if (descriptor.boot().kernel() != null) {
            requireDisplayText(source, "boot.cmdline", descriptor.boot().kernel().cmdline(), 1024);
        }
        return descriptor;
    }

    private static void requireUtf8(String source, byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, source + ": (document): must be UTF-8");
        }
    }

    private static void requireDisplayText(String source, String key, String text, int max) {
        if (text != null && !DisplayTextValidator.isDisplayText(text, max)) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, source + ": " + key + ": must be at most " + max
                    + " characters without control, format or invisible characters", key);
        }
    }
}
