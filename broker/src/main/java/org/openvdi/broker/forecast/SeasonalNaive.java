package org.openvdi.broker.forecast;

/** The baseline: each interval as it was one season before (see {@link Seasons}). */
public final class SeasonalNaive implements DemandModel {

    private final Seasons seasons;

    /** Over the broker's intervals (quarter hours). */
    public SeasonalNaive() {
        this(Seasons.QUARTER_HOURLY);
    }

    public SeasonalNaive(Seasons seasons) {
        this.seasons = seasons;
    }

    @Override
    public ModelKind kind() {
        return ModelKind.SEASONAL_NAIVE;
    }

    @Override
    public double[] forecast(double[] history, int horizon) {
        if (history.length == 0) {
            return new double[horizon];
        }
        int m = Math.min(seasons.period(history.length), history.length);
        double[] answer = new double[horizon];
        for (int h = 0; h < horizon; h++) {
            // the same position in the last whole season of the history
            answer[h] = Math.max(0, history[history.length - m + h % m]);
        }
        return answer;
    }
}
