package org.openvdi.broker.host.api;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which hosts a pool's desktops may run on: terms that must all hold for a host's labels. A term is {@code key} (the
 * host has the key), {@code key=value}, {@code key!=value} (the host lacks the key or has another value) or
 * {@code !key} (the host lacks the key). At most {@value #MAX} terms; the empty selector matches every host.
 */
public record HostSelector(SortedSet<String> terms) {

    public static final int MAX = 16;
    /** One term, as requests carry it. */
    public static final String TERM = "!?" + HostLabels.KEY + "|" + HostLabels.KEY + "!?=" + HostLabels.VALUE;
    public static final HostSelector ANY = new HostSelector(new TreeSet<>());

    private static final Pattern TERM_PATTERN = Pattern.compile(TERM);

    public HostSelector {
        terms = new TreeSet<>(terms == null ? List.of() : terms);
    }

    /** The selector of these terms, checked; throws {@link IllegalArgumentException} naming what is wrong. */
    public static HostSelector of(Collection<String> terms) {
        if (terms == null) {
            return ANY;
        }
        if (terms.size() > MAX) {
            throw new IllegalArgumentException("A host selector has at most " + MAX + " terms");
        }
        for (String term : terms) {
            if (term == null || !TERM_PATTERN.matcher(term).matches()) {
                throw new IllegalArgumentException("A selector term is key, key=value, key!=value or !key");
            }
        }
        return new HostSelector(new TreeSet<>(terms));
    }

    /** Whether a host with these labels is one the pool may use. */
    public boolean matches(Collection<String> labels) {
        return terms.stream().allMatch(term -> holds(term, labels));
    }

    public boolean any() {
        return terms.isEmpty();
    }

    private static boolean holds(String term, Collection<String> labels) {
        if (term.startsWith("!")) {
            String key = term.substring(1);
            return labels.stream().noneMatch(label -> HostLabels.key(label).equals(key));
        }
        int not = term.indexOf("!=");
        if (not >= 0) {
            String key = term.substring(0, not);
            String value = term.substring(not + 2);
            return labels.stream().noneMatch(label -> HostLabels.key(label).equals(key)
                    && Objects.equals(HostLabels.value(label), value));
        }
        if (term.indexOf('=') >= 0) {
            return labels.contains(term);
        }
        return labels.stream().anyMatch(label -> HostLabels.key(label).equals(term));
    }

    @Override
    public String toString() {
        return terms.isEmpty() ? "any host" : String.join(",", terms);
    }
}
