package org.openvdi.broker.forecast;

/**
 * The season both models use over hourly intervals. A week (168 hours) carries both the time of day and the day of
 * the week (Monday's morning storm, the quiet weekend); it needs two weeks of history to start a trend from. With less,
 * a day (24 hours): time of day only, which still beats no season at all.
 */
final class Seasons {

    static final int DAY = 24;
    static final int WEEK = 7 * DAY;

    private Seasons() {
    }

    /** The season length for {@code historyLength} hourly values. */
    static int period(int historyLength) {
        return historyLength >= 2 * WEEK ? WEEK : DAY;
    }
}
