package org.openvdi.broker.template;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.template.api.DeleteTemplateCommand;
import org.openvdi.broker.template.api.RetireTemplateVersionCommand;
import org.openvdi.broker.web.DisplayText;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/templates")
@Tag(name = "Templates", description = "Golden images and their versions")
class TemplateController {

    private final AuditedCommands commands;
    private final TemplateQueries templates;
    private final TemplatePublisher publisher;
    private final TemplateDescriptors descriptors;
    private final TemplateUsage usage;
    private final VersionUsage versions;
    private final ClusterLock locks;

    TemplateController(AuditedCommands commands, TemplateQueries templates, TemplatePublisher publisher,
                       TemplateDescriptors descriptors, TemplateUsage usage, VersionUsage versions, ClusterLock locks) {
        this.commands = commands;
        this.templates = templates;
        this.publisher = publisher;
        this.descriptors = descriptors;
        this.usage = usage;
        this.versions = versions;
        this.locks = locks;
    }

    /**
     * @param sha256 optional: the SHA-256 the image must have (from its build manifest); a different image is
     *               refused with {@code IMAGE_CHECKSUM_MISMATCH}
     * @param format optional: {@code raw} or {@code qcow2}; an image of another format is {@code IMAGE_INVALID}
     */
    record PublishVersionRequest(@NotBlank @DisplayText(max = 1000) String imagePath,
                                 @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hexadecimal digits") String sha256,
                                 @Pattern(regexp = "raw|qcow2", message = "must be raw or qcow2") String format) {
    }

    /**
     * Registers a template from its descriptor, or from the short form {@code {name, vcpus, memoryMiB}}:
     * JSON, or YAML with {@code Content-Type: application/yaml}.
     */
    @Operation(summary = "Register a template")
    @PostMapping(consumes = {MediaType.APPLICATION_JSON_VALUE, TemplateDescriptors.APPLICATION_YAML})
    @ResponseStatus(HttpStatus.CREATED)
    TemplateView register(@RequestBody byte[] body, @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType type,
                          Principal principal) {
        return publisher.register(descriptors.read(body, type), principal.getName());
    }

    @Operation(summary = "List templates")
    @GetMapping
    List<TemplateView> list() {
        return templates.all();
    }

    @Operation(summary = "Get a template with its versions")
    @GetMapping("/{id}")
    TemplateView get(@PathVariable UUID id) {
        return templates.find(id).orElseThrow(() -> new BrokerException(ErrorCode.TEMPLATE_NOT_FOUND, "No template " + id));
    }

    @Operation(summary = "Publish a new version of a template's golden image")
    @PostMapping("/{id}/versions")
    @ResponseStatus(HttpStatus.CREATED)
    TemplateView.Version publish(@PathVariable UUID id, @Valid @RequestBody PublishVersionRequest request, Principal principal) {
        return publisher.publish(id, request.imagePath(), request.sha256(), request.format(), principal.getName());
    }

    /**
     * Removes a template and its versions for good, when no pool and no desktop uses any of them (409
     * TEMPLATE_IN_USE naming what does). Its name may then be used again. One deletion or pool creation of a
     * template runs at a time across the brokers, so a pool is never created from a template being deleted.
     */
    @Operation(summary = "Delete a template no pool uses")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable UUID id, Principal principal) {
        locks.runWhenFree(TemplateUsage.lockName(id), () -> {
            get(id);
            List<String> users = usage.usersOf(id);
            if (!users.isEmpty()) {
                throw new BrokerException(ErrorCode.TEMPLATE_IN_USE, "The template is in use: " + String.join("; ", users));
            }
            commands.send(new DeleteTemplateCommand(id), principal.getName());
        });
    }

    @Operation(summary = "Retire a template version")
    @PostMapping("/{id}/versions/{version}/retire")
    TemplateView retire(@PathVariable UUID id, @PathVariable int version, Principal principal) {
        get(id);
        if (versions.inUse(id, version)) {
            throw new BrokerException(ErrorCode.VERSION_IN_USE,
                    "A pool still uses version " + version + " and no rollout is moving it off; roll the pool out first");
        }
        commands.send(new RetireTemplateVersionCommand(id, version), principal.getName());
        return get(id);
    }
}
