package org.openvdi.templates.descriptor;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.openvdi.templates.xml.ImageFormat;
import org.openvdi.templates.xml.Resolution;
import org.openvdi.templates.xml.VideoModel;

/**
 * Builds a {@link TemplateDescriptor} from a parsed document, checking every key, type and range on the way.
 * A message names the source, the dotted key and what is allowed there, never the value it found.
 */
final class DescriptorBinder {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,39}");
    private static final Pattern IMAGE_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern NETWORK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern BRIDGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");

    private final String source;

    private DescriptorBinder(String source) {
        this.source = source;
    }

    static TemplateDescriptor bind(String source, JsonNode root) {
        return new DescriptorBinder(source).descriptor(root);
    }

    private TemplateDescriptor descriptor(JsonNode root) {
        requireMapping(root, "(document)");
        if (!root.has("hardware") && (root.has("vcpus") || root.has("memoryMiB"))) {
            allowOnly(root, "", "name", "vcpus", "memoryMiB");
            return TemplateDescriptor.shortForm(text(root, "", "name", 100, true),
                    integer(root, "", "vcpus", 1, 64, true), integer(root, "", "memoryMiB", 64, 1_048_576, true));
        }
        allowOnly(root, "", "name", "hardware", "boot", "display", "network", "guest", "readiness", "userDisk");
        String name = text(root, "", "name", 100, true);
        Hardware hardware = hardware(section(root, "", "hardware", true));
        Boot boot = boot(section(root, "", "boot", true));
        Display display = display(section(root, "", "display", false));
        Network network = network(section(root, "", "network", false));
        Guest guest = guest(section(root, "", "guest", false));
        Readiness readiness = enumValue(root, "", "readiness", Readiness.class, Readiness.DISPLAY);
        if (readiness == Readiness.GUEST_AGENT && !guest.agent()) {
            throw refuse("readiness", "GUEST_AGENT needs guest.agent: true");
        }
        JsonNode userDisk = section(root, "", "userDisk", false);
        return new TemplateDescriptor(name, hardware, boot, display, network, guest, readiness,
                userDisk == null ? null : userDisk(userDisk));
    }

    private Hardware hardware(JsonNode node) {
        allowOnly(node, "hardware.", "vcpus", "memoryMiB", "diskGiB");
        return new Hardware(integer(node, "hardware.", "vcpus", 1, 64, true),
                integer(node, "hardware.", "memoryMiB", 64, 1_048_576, true),
                node.has("diskGiB") ? integer(node, "hardware.", "diskGiB", 1, 65_536, true) : null);
    }

    private Boot boot(JsonNode node) {
        allowOnly(node, "boot.", "disk", "kernel", "initrd", "cmdline");
        boolean disk = node.has("disk");
        boolean kernel = node.has("kernel");
        if (disk == kernel) {
            throw refuse("boot", "name exactly one of disk (boot the image's disk) and kernel (boot a kernel directly)");
        }
        if (disk) {
            for (String key : List.of("initrd", "cmdline")) {
                if (node.has(key)) {
                    throw refuse("boot." + key, "is only allowed with boot.kernel");
                }
            }
            JsonNode diskNode = node.get("disk");
            if (diskNode.isNull()) {
                return new Boot(new DiskBoot(null, null), null);
            }
            requireMapping(diskNode, "boot.disk");
            allowOnly(diskNode, "boot.disk.", "image", "format");
            String image = text(diskNode, "boot.disk.", "image", 128, false);
            if (image != null && !IMAGE_FILE.matcher(image).matches() || ".".equals(image) || "..".equals(image)) {
                throw refuse("boot.disk.image", "must be a file name: letters, digits, '.', '_', '-' (at most 128)");
            }
            ImageFormat format = null;
            if (diskNode.has("format")) {
                String value = text(diskNode, "boot.disk.", "format", 10, true);
                format = Arrays.stream(ImageFormat.values()).filter(f -> f.xmlName().equals(value.toLowerCase(Locale.ROOT)))
                        .findFirst().orElseThrow(() -> refuse("boot.disk.format", "must be one of raw, qcow2"));
            }
            return new Boot(new DiskBoot(image, format), null);
        }
        String path = hostPath(node, "kernel", true);
        String initrd = hostPath(node, "initrd", false);
        String cmdline = text(node, "boot.", "cmdline", 1024, false);
        return new Boot(null, new KernelBoot(path, initrd, cmdline));
    }

    private String hostPath(JsonNode node, String key, boolean required) {
        String path = text(node, "boot.", key, 4096, required);
        if (path != null && (!path.startsWith("/") || Arrays.asList(path.split("/")).contains("..")
                || path.contains("\\"))) {
            throw refuse("boot." + key, "must be an absolute path without '..' or '\\'");
        }
        return path;
    }

    private Display display(JsonNode node) {
        if (node == null) {
            return Display.DEFAULT;
        }
        allowOnly(node, "display.", "protocol", "video", "resolution");
        DisplayProtocol protocol = enumValue(node, "display.", "protocol", DisplayProtocol.class, DisplayProtocol.VNC);
        VideoModel video = enumValue(node, "display.", "video", VideoModel.class, VideoModel.VGA);
        JsonNode resolution = section(node, "display.", "resolution", false);
        if (resolution == null) {
            return new Display(protocol, video, null);
        }
        allowOnly(resolution, "display.resolution.", "width", "height");
        return new Display(protocol, video, new Resolution(
                integer(resolution, "display.resolution.", "width", Resolution.MIN_WIDTH, Resolution.MAX_WIDTH, true),
                integer(resolution, "display.resolution.", "height", Resolution.MIN_HEIGHT, Resolution.MAX_HEIGHT, true)));
    }

    private Network network(JsonNode node) {
        if (node == null) {
            return Network.DEFAULT;
        }
        allowOnly(node, "network.", "network", "bridge");
        if (node.has("network") == node.has("bridge")) {
            throw refuse("network", "name exactly one of network (a libvirt network) and bridge (a host bridge)");
        }
        if (node.has("network")) {
            String name = text(node, "network.", "network", 64, true);
            if (!NETWORK_NAME.matcher(name).matches()) {
                throw refuse("network.network", "must be 1-64 letters, digits, '_', '.', '-', starting with a letter or digit");
            }
            return new Network(name, null);
        }
        String bridge = text(node, "network.", "bridge", 15, true);
        if (!BRIDGE_NAME.matcher(bridge).matches()) {
            throw refuse("network.bridge", "must be 1-15 letters, digits, '_', '.', '-', starting with a letter or digit");
        }
        return new Network(null, bridge);
    }

    private Guest guest(JsonNode node) {
        if (node == null) {
            return Guest.UNKNOWN;
        }
        allowOnly(node, "guest.", "os", "agent");
        boolean agent = false;
        if (node.has("agent")) {
            if (!node.get("agent").isBoolean()) {
                throw refuse("guest.agent", "must be true or false");
            }
            agent = node.get("agent").booleanValue();
        }
        return new Guest(text(node, "guest.", "os", 64, false), agent);
    }

    private UserDisk userDisk(JsonNode node) {
        allowOnly(node, "userDisk.", "sizeGiB");
        return new UserDisk(integer(node, "userDisk.", "sizeGiB", 1, 16_384, true));
    }

    private JsonNode section(JsonNode parent, String prefix, String key, boolean required) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            if (required) {
                throw refuse(prefix + key, "is required");
            }
            return null;
        }
        requireMapping(node, prefix + key);
        return node;
    }

    private void requireMapping(JsonNode node, String key) {
        if (!node.isObject()) {
            throw refuse(key, "must be a mapping of keys to values");
        }
    }

    private void allowOnly(JsonNode node, String prefix, String... allowed) {
        List<String> names = List.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                String shown = shownKey(name);
                throw refuse(prefix + shown, "unknown key; allowed " + (prefix.isEmpty() ? "at the top" : "in "
                        + prefix.substring(0, prefix.length() - 1)) + ": " + String.join(", ", allowed));
            }
        }
    }

    private int integer(JsonNode parent, String prefix, String key, int min, int max, boolean required) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            if (required) {
                throw refuse(prefix + key, "is required: an integer from " + min + " to " + max);
            }
            return 0;
        }
        if (!node.isIntegralNumber()) {
            throw refuse(prefix + key, "must be an integer from " + min + " to " + max);
        }
        if (!node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw refuse(prefix + key, "must be from " + min + " to " + max);
        }
        return node.intValue();
    }

    private String text(JsonNode parent, String prefix, String key, int max, boolean required) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            if (required) {
                throw refuse(prefix + key, "is required: text of at most " + max + " characters");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw refuse(prefix + key, "must be text (quote it if it looks like a number or boolean)");
        }
        String value = node.textValue();
        if (value.isBlank() || value.codePointCount(0, value.length()) > max || !plainText(value)) {
            throw refuse(prefix + key, "must be 1-" + max + " characters on one line, without control, format "
                    + "(bidirectional, zero-width) or unpaired surrogate characters");
        }
        return value;
    }

    private <E extends Enum<E>> E enumValue(JsonNode parent, String prefix, String key, Class<E> type, E fallback) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name());
            if (node.isTextual() && constant.name().equalsIgnoreCase(node.textValue())) {
                return constant;
            }
        }
        throw refuse(prefix + key, "must be one of " + String.join(", ", allowed));
    }

    /** True when no code point is a control, format, separator or unpaired surrogate character. */
    static boolean plainText(String text) {
        return text.codePoints().noneMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> true;
            default -> c == 0xFFFE || c == 0xFFFF;
        });
    }

    private DescriptorException refuse(String key, String rule) {
        return new DescriptorException(source, key, rule);
    }

    /** A key as a message may repeat it: a plain identifier, else {@code ?} (a client's text is never echoed). */
    static String shownKey(String name) {
        return name != null && PLAIN_KEY.matcher(name).matches() ? name : "?";
    }

    /** The dotted path of a parser position, plain identifiers only ({@code ?} for any other key). */
    static String safePath(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            String name = at.getCurrentName();
            parts.add(0, at.inArray() ? "[" + Math.max(at.getCurrentIndex(), 0) + "]"
                    : shownKey(name));
        }
        return parts.isEmpty() ? "(document)" : String.join(".", parts);
    }
}
