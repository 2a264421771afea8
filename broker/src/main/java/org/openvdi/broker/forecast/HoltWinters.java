package org.openvdi.broker.forecast;

/**
 * Additive Holt-Winters exponential smoothing on the logarithm of the counts, with a daily and a weekly season
 * (Taylor's double-seasonal form) over the intervals of its {@link Seasons} (the broker's: quarter hours); with less than
 * two weeks of history, a daily season alone.
 * <ul>
 *   <li>Additive on {@code log(1 + requests)}: request counts are zero at night and on weekends, where a multiplicative
 *   season divides by zero, while demand does change multiplicatively (a level shift of 40% raises the morning storm
 *   by 40% and the night by nothing). The logarithm turns that into an additive change the level can follow.</li>
 *   <li>Two seasons: the daily one is updated every day, so it learns a change in the working day within days and
 *   averages the noise of seven days; the weekly one, updated once a week, holds what differs by day of the week
 *   (the quiet weekend, Monday's storm). A single weekly season learns each hour of the week from one value a week and
 *   loses to the seasonal-naive baseline on noisy counts.</li>
 *   <li>The smoothing parameters are fitted by a grid search minimising the one-step-ahead squared error on the
 *   history; the level starts at the first week's mean, the trend at the change between the first two weeks' means,
 *   the daily season at the first week's mean day, the weekly one at what remains.</li>
 * </ul>
 */
public final class HoltWinters implements DemandModel {

    private final Seasons seasons;
    /** Fixed parameters, or null to fit them on each history. */
    private final Parameters fixed;

    /** Over the broker's intervals (quarter hours). */
    public HoltWinters() {
        this(Seasons.QUARTER_HOURLY);
    }

    public HoltWinters(Seasons seasons) {
        this(seasons, null);
    }

    private HoltWinters(Seasons seasons, Parameters fixed) {
        this.seasons = seasons;
        this.fixed = fixed;
    }

    /** Level smoothing per hour; per interval it is scaled by the interval's share of an hour (a quarter: a fourth). */
    private static final double[] ALPHAS = {0.02, 0.05, 0.1, 0.2, 0.4};
    private static final double[] BETAS = {0.0, 0.001};
    private static final double[] DAILY = {0.05, 0.1, 0.2, 0.35};
    private static final double[] WEEKLY = {0.05, 0.1, 0.2, 0.35};

    /**
     * Smoothing parameters: level, trend, daily season, weekly season (0 when there is no weekly season), and the
     * mean squared one-step error they had on the history.
     */
    record Parameters(double alpha, double beta, double daily, double weekly, double meanSquaredError) {
    }

    @Override
    public ModelKind kind() {
        return ModelKind.HOLT_WINTERS;
    }

    @Override
    public DemandModel fittedOn(double[] history) {
        if (history.length < seasons.day()) {
            return this;
        }
        return new HoltWinters(seasons, fit(logs(history), history.length >= 2 * seasons.week()));
    }

    private static double[] logs(double[] history) {
        double[] logs = new double[history.length];
        for (int t = 0; t < history.length; t++) {
            logs[t] = Math.log1p(Math.max(0, history[t]));
        }
        return logs;
    }

    @Override
    public double[] forecast(double[] history, int horizon) {
        if (history.length < seasons.day()) {
            return new SeasonalNaive(seasons).forecast(history, horizon);
        }
        double[] logs = logs(history);
        boolean weekly = history.length >= 2 * seasons.week();
        Parameters p = fixed != null ? fixed : fit(logs, weekly);
        double[] forecast = run(logs, horizon, p, weekly);
        // back from the logarithm without a variance correction: a median-like forecast, which is what an absolute
        // error (and a spare count, which must not chase every outlier) rewards
        for (int h = 0; h < horizon; h++) {
            forecast[h] = Math.max(0, Math.expm1(forecast[h]));
        }
        return forecast;
    }

    private Parameters fit(double[] y, boolean weekly) {
        Parameters best = null;
        double bestError = Double.POSITIVE_INFINITY;
        double perInterval = Seasons.HOURLY.day() / (double) seasons.day();
        for (double hourly : ALPHAS) {
            double alpha = hourly * perInterval;
            for (double beta : BETAS) {
                for (double daily : DAILY) {
                    for (double week : weekly ? WEEKLY : new double[]{0}) {
                        Parameters p = new Parameters(alpha, beta, daily, week, 0);
                        State s = State.start(y, weekly, seasons);
                        double error = 0;
                        for (int t = s.first; t < y.length && error < bestError; t++) {
                            double e = y[t] - s.predict(t, 1);
                            error += e * e;
                            s.update(y[t], t, p);
                        }
                        if (error < bestError) {
                            bestError = error;
                            best = new Parameters(alpha, beta, daily, week, error / Math.max(1, y.length - s.first));
                        }
                    }
                }
            }
        }
        return best;
    }

    private double[] run(double[] y, int horizon, Parameters p, boolean weekly) {
        State s = State.start(y, weekly, seasons);
        for (int t = s.first; t < y.length; t++) {
            s.update(y[t], t, p);
        }
        double[] answer = new double[horizon];
        for (int h = 1; h <= horizon; h++) {
            answer[h - 1] = s.predict(y.length - 1, h);
        }
        return answer;
    }

    /** Level, trend and seasons after the values seen; each season indexed by position modulo its length. */
    private static final class State {
        double level;
        double trend;
        final double[] day;
        final double[] week;
        /** The first position the updates start from (the values before it set the start). */
        final int first;

        private State(int first, Seasons seasons) {
            this.first = first;
            this.day = new double[seasons.day()];
            this.week = new double[seasons.week()];
        }

        static State start(double[] y, boolean weekly, Seasons seasons) {
            int m = weekly ? seasons.week() : seasons.day();
            State s = new State(m, seasons);
            double mean = mean(y, 0, m);
            s.trend = weekly ? (mean(y, m, 2 * m) - mean) / m : 0;
            s.level = mean + s.trend * (m - 1) / 2.0;
            int perDay = seasons.day();
            int days = m / perDay;
            for (int j = 0; j < perDay; j++) {
                double sum = 0;
                for (int d = 0; d < days; d++) {
                    sum += y[d * perDay + j];
                }
                s.day[j] = sum / days - mean;
            }
            if (weekly) {
                for (int i = 0; i < m; i++) {
                    s.week[i] = y[i] - mean - s.day[i % perDay];
                }
            }
            return s;
        }

        /** The forecast made after position {@code t} for position {@code t + h}. */
        double predict(int t, int h) {
            int at = t + h;
            return level + h * trend + day[at % day.length] + week[at % week.length];
        }

        void update(double value, int t, Parameters p) {
            int d = t % day.length;
            int w = t % week.length;
            double previous = level;
            level = p.alpha() * (value - day[d] - week[w]) + (1 - p.alpha()) * (level + trend);
            trend = p.beta() * (level - previous) + (1 - p.beta()) * trend;
            double dayBefore = day[d];
            day[d] = p.daily() * (value - level - week[w]) + (1 - p.daily()) * dayBefore;
            if (p.weekly() > 0) {
                week[w] = p.weekly() * (value - level - dayBefore) + (1 - p.weekly()) * week[w];
            }
        }

        private static double mean(double[] y, int from, int to) {
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += y[i];
            }
            return sum / (to - from);
        }
    }
}
