package org.openvdi.broker.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Samples in microseconds per measure and route (straight to guacd, or through the gateway), and the table that
 * compares the routes: p50 and p95 of each, and what the gateway adds (gateway minus direct, per percentile).
 */
final class RouteComparison {

    enum Route {
        DIRECT, GATEWAY
    }

    static final List<String> COLUMNS = List.of("ms", "n direct / gateway", "direct p50", "direct p95", "gateway p50",
            "gateway p95", "**added p50**", "added p95");

    private final Map<String, Map<Route, Samples>> measures = new LinkedHashMap<>();

    /** The measures, in the order of the table's rows. */
    RouteComparison(List<String> measures) {
        measures.forEach(measure -> this.measures.put(measure, new EnumMap<>(Route.class)));
    }

    /** The samples of one measure on one route. */
    Samples of(String measure, Route route) {
        Map<Route, Samples> routes = measures.get(measure);
        if (routes == null) {
            throw new IllegalArgumentException("not a measure of this comparison: " + measure);
        }
        return routes.computeIfAbsent(route, key -> new Samples());
    }

    List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        measures.forEach((measure, routes) -> {
            Samples direct = routes.getOrDefault(Route.DIRECT, new Samples());
            Samples gateway = routes.getOrDefault(Route.GATEWAY, new Samples());
            List<String> row = new ArrayList<>(List.of(measure, count(direct) + " / " + count(gateway)));
            row.addAll(List.of(p(direct, 50), p(direct, 95), p(gateway, 50), p(gateway, 95)));
            boolean both = !direct.isEmpty() && !gateway.isEmpty();
            row.add(both ? "**" + ms(gateway.percentile(50) - direct.percentile(50)) + "**" : "–");
            row.add(both ? ms(gateway.percentile(95) - direct.percentile(95)) : "–");
            rows.add(row);
        });
        return rows;
    }

    private static String count(Samples samples) {
        return samples.isEmpty() ? "–" : Integer.toString(samples.size());
    }

    private static String p(Samples samples, double percentile) {
        return samples.isEmpty() ? "–" : ms(samples.percentile(percentile));
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }
}
