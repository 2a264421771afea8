package org.openvdi.broker.host.api;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A host's labels: {@code key} or {@code key=value} ({@code site=berlin}, {@code gpu}), at most {@value #MAX} per host,
 * one value per key. Keys start with a letter or digit and hold letters, digits and {@code . _ / -} (at most 63
 * characters); values hold letters, digits and {@code . _ -} (1 to 63). Nothing else is accepted: no spaces, no control
 * or format characters, nothing a shell or a query would read.
 */
public final class HostLabels {

    /** The most labels one host carries. */
    public static final int MAX = 32;
    /** A key. */
    public static final String KEY = "[A-Za-z0-9][A-Za-z0-9._/-]{0,62}";
    /** A value. */
    public static final String VALUE = "[A-Za-z0-9._-]{1,63}";
    /** One label, as requests carry it. */
    public static final String LABEL = KEY + "(=" + VALUE + ")?";

    private static final Pattern LABEL_PATTERN = Pattern.compile(LABEL);

    private HostLabels() {
    }

    /**
     * The labels, checked and sorted; throws {@link IllegalArgumentException} naming the first wrong one, a key given
     * twice, or too many.
     */
    public static SortedSet<String> of(Collection<String> labels) {
        SortedSet<String> sorted = new TreeSet<>();
        Set<String> keys = new HashSet<>();
        if (labels == null) {
            return sorted;
        }
        if (labels.size() > MAX) {
            throw new IllegalArgumentException("A host carries at most " + MAX + " labels");
        }
        for (String label : labels) {
            if (label == null || !LABEL_PATTERN.matcher(label).matches()) {
                throw new IllegalArgumentException("A label is key or key=value, of letters, digits and . _ - (/ in keys)");
            }
            if (!keys.add(key(label))) {
                throw new IllegalArgumentException("Label key " + key(label) + " is given twice");
            }
            sorted.add(label);
        }
        return sorted;
    }

    /** The key of a label. */
    public static String key(String label) {
        int equals = label.indexOf('=');
        return equals < 0 ? label : label.substring(0, equals);
    }

    /** The value of a label; null for a key alone. */
    public static String value(String label) {
        int equals = label.indexOf('=');
        return equals < 0 ? null : label.substring(equals + 1);
    }
}
