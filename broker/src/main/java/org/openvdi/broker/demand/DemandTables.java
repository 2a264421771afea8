package org.openvdi.broker.demand;

import java.util.List;

/**
 * The names of one set of demand tables: the live ones the projection keeps and the queries read, or a replay's
 * shadow copies (the same names with a suffix). Names are fixed here, never taken from a request.
 */
record DemandTables(String suffix) {

    static final DemandTables LIVE = new DemandTables("");
    static final DemandTables SHADOW = new DemandTables("_replay");

    String bucket() {
        return "demand_bucket" + suffix;
    }

    String request() {
        return "demand_request" + suffix;
    }

    String desktop() {
        return "demand_desktop" + suffix;
    }

    String leadTime() {
        return "demand_lead_time" + suffix;
    }

    List<String> all() {
        return List.of(bucket(), request(), desktop(), leadTime());
    }
}
