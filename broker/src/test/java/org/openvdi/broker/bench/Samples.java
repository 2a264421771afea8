package org.openvdi.broker.bench;

import java.util.ArrayList;
import java.util.List;

/** Measured values of one quantity, all in one unit, and their nearest-rank percentiles. */
final class Samples {

    private final List<Long> values = new ArrayList<>();

    void add(long value) {
        values.add(value);
    }

    int size() {
        return values.size();
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /** Nearest-rank percentile: the smallest value that at least {@code p} percent of the samples do not exceed. */
    long percentile(double p) {
        if (values.isEmpty()) {
            throw new IllegalStateException("no samples");
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    long max() {
        return percentile(100);
    }
}
