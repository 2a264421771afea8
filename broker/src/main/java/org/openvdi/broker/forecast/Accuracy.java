package org.openvdi.broker.forecast;

/**
 * How close a forecast came to what then happened. MAE in requests per interval; sMAPE in percent (0 to 200), where
 * an interval with neither forecast nor actual requests counts as exact, since request counts are often zero; MASE,
 * the MAE divided by the in-sample MAE of the seasonal-naive forecast on the history the forecast was made from
 * (below 1: better than copying last season), null when that history had no seasonal change at all.
 */
public record Accuracy(int intervals, double mae, double smape, Double mase) {

    /** Scores {@code forecast} against {@code actual} over their common length; {@code naiveScale} as for MASE. */
    public static Accuracy of(double[] forecast, double[] actual, double naiveScale) {
        int n = Math.min(forecast.length, actual.length);
        if (n == 0) {
            return new Accuracy(0, 0, 0, null);
        }
        double absolute = 0;
        double symmetric = 0;
        for (int i = 0; i < n; i++) {
            double error = Math.abs(forecast[i] - actual[i]);
            absolute += error;
            double scale = Math.abs(forecast[i]) + Math.abs(actual[i]);
            symmetric += scale == 0 ? 0 : 2 * error / scale;
        }
        double mae = absolute / n;
        return new Accuracy(n, mae, 100 * symmetric / n, naiveScale > 0 ? mae / naiveScale : null);
    }

    /** The mean absolute change from one season to the next in {@code history} (the MASE scale). */
    public static double naiveScale(double[] history, Seasons seasons) {
        int m = seasons.period(history.length);
        if (history.length <= m) {
            return 0;
        }
        double sum = 0;
        for (int t = m; t < history.length; t++) {
            sum += Math.abs(history[t] - history[t - m]);
        }
        return sum / (history.length - m);
    }
}
