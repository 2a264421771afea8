package org.openvdi.templates.descriptor;

/**
 * A descriptor that is refused. The message names the file (or request body), the key and the rule; it
 * never repeats a value from the document, and repeats a key only when it is a plain identifier.
 */
public class DescriptorException extends RuntimeException {

    private final String source;
    private final String key;
    private final String rule;

    public DescriptorException(String source, String key, String rule) {
        super(source + ": " + key + ": " + rule);
        this.source = source;
        this.key = key;
        this.rule = rule;
    }

    /** The file or request body the descriptor came from. */
    public String source() {
        return source;
    }

    /** The dotted path of the key at fault ({@code hardware.vcpus}), or {@code (document)}. */
    public String key() {
        return key;
    }

    /** What is allowed there. */
    public String rule() {
        return rule;
    }
}
