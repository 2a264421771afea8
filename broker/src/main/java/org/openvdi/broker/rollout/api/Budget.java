package org.openvdi.broker.rollout.api;

/** A number of desktops, given as a count or as a percentage of the rollout's total. */
public record Budget(int value, boolean percent) {

    public static Budget count(int value) {
        return new Budget(value, false);
    }

    /** The count for {@code total} desktops; a percentage rounds down but never below one. */
    public int of(int total) {
        return percent ? Math.max(1, total * value / 100) : value;
    }

    @Override
    public String toString() {
        return percent ? value + "%" : Integer.toString(value);
    }
}
