package org.openvdi.broker.forecast;

/** The baseline: each interval as it was one season before (see {@link Seasons}). */
public final class SeasonalNaive implements DemandModel {

    @Override
    public ModelKind kind() {
        return ModelKind.SEASONAL_NAIVE;
    }

    @Override
    public double[] forecast(double[] history, int horizon) {
        if (history.length == 0) {
            return new double[horizon];
        }
        int m = Math.min(Seasons.period(history.length), history.length);
        double[] answer = new double[horizon];
        for (int h = 0; h < horizon; h++) {
            // the same position in the last whole season of the history
            answer[h] = Math.max(0, history[history.length - m + h % m]);
        }
        return answer;
    }
}
