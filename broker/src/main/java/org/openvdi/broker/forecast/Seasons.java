package org.openvdi.broker.forecast;

/**
 * The seasons both models use, over intervals of which {@code day} make a day. A week carries both the time of day
 * and the day of the week (Monday's morning storm, the quiet weekend); it needs two weeks of history to start a trend
 * from. With less, a day: time of day only, which still beats no season at all.
 *
 * @param day intervals per day: 96 for the broker's quarter hours ({@link DemandForecast#INTERVAL}), 24 for hours
 */
public record Seasons(int day) {

    /** Hourly intervals. */
    public static final Seasons HOURLY = new Seasons(24);
    /** The broker's intervals: quarter hours. */
    public static final Seasons QUARTER_HOURLY = new Seasons(96);

    public Seasons {
        if (day < 1) {
            throw new IllegalArgumentException("a day has at least one interval");
        }
    }

    /** Intervals per week. */
    public int week() {
        return 7 * day;
    }

    /** The season length for {@code historyLength} values. */
    int period(int historyLength) {
        return historyLength >= 2 * week() ? week() : day;
    }
}
