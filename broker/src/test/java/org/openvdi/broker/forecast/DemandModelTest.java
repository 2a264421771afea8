package org.openvdi.broker.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The forecasting models on generated series whose seasonality is known, hourly and per quarter hour. */
class DemandModelTest {

    static final int HORIZON = 48;

    @Test
    void givenAnExactlyWeeklySeries_whenForecast_thenBothModelsRepeatTheWeek() {
        double[] history = SeriesGenerator.series(4, 0, 99, 0, null);
        double[] expected = new double[HORIZON];
        for (int h = 0; h < HORIZON; h++) {
            expected[h] = SeriesGenerator.shape(h);    // the history ends on a Sunday at midnight: Monday follows
        }

        assertThat(new SeasonalNaive(Seasons.HOURLY).forecast(history, HORIZON)).containsExactly(expected);
        double[] smoothed = new HoltWinters(Seasons.HOURLY).forecast(history, HORIZON);
        for (int h = 0; h < HORIZON; h++) {
            assertThat(smoothed[h]).as("hour %d", h).isCloseTo(expected[h], within(0.01));
        }
    }

    @Test
    void givenOneDayOfHistory_whenForecast_thenTheDailySeasonRepeats() {
        double[] day = Arrays.copyOf(SeriesGenerator.series(1, 0, 99, 0, null), 24);

        double[] forecast = new SeasonalNaive(Seasons.HOURLY).forecast(day, HORIZON);

        assertThat(Arrays.copyOfRange(forecast, 0, 24)).containsExactly(day);
        assertThat(Arrays.copyOfRange(forecast, 24, 48)).containsExactly(day);
        double[] smoothed = new HoltWinters(Seasons.HOURLY).forecast(day, HORIZON);
        assertThat(smoothed).hasSize(HORIZON);
        assertThat(Arrays.stream(smoothed).min().orElseThrow()).isNotNegative();
    }

    @Test
    void givenTenDaysOfHistory_whenForecast_thenTheDailySeasonIsUsedAndNothingIsNegative() {
        double[] history = Arrays.copyOf(SeriesGenerator.series(2, 0, 99, 0, 7L), 240);

        double[] forecast = new HoltWinters(Seasons.HOURLY).forecast(history, HORIZON);

        assertThat(forecast).hasSize(HORIZON);
        assertThat(Arrays.stream(forecast).min().orElseThrow()).isNotNegative();
        assertThat(forecast[8]).as("the morning storm of the day after").isGreaterThan(forecast[2] + 10);
    }

    @Test
    void givenANoisySeriesWithTrendAndALevelShift_whenForecastOnHeldOutWeeks_thenHoltWintersBeatsSeasonalNaive() {
        double naiveTotal = 0;
        double smoothedTotal = 0;
        for (long seed = 1; seed <= 5; seed++) {
            // eight weeks, growing 3% a week, 40% more from week 7 on; Poisson draws
            double[] series = SeriesGenerator.series(8, 0.03, 6, 0.4, seed);
            double naive = 0;
            double smoothed = 0;
            // the two held-out weeks: a 48-hour forecast from each midnight, scored against the draws that followed
            for (int start = 6 * 168; start + HORIZON <= series.length; start += 24) {
                double[] history = Arrays.copyOf(series, start);
                double[] actual = Arrays.copyOfRange(series, start, start + HORIZON);
                naive += Accuracy.of(new SeasonalNaive(Seasons.HOURLY).forecast(history, HORIZON), actual, 1).mae();
                smoothed += Accuracy.of(new HoltWinters(Seasons.HOURLY).forecast(history, HORIZON), actual, 1).mae();
            }
            assertThat(smoothed).as("seed %d: Holt-Winters %.1f against seasonal-naive %.1f", seed, smoothed, naive)
                    .isLessThan(naive);
            naiveTotal += naive;
            smoothedTotal += smoothed;
        }
        assertThat(smoothedTotal).as("over all seeds").isLessThan(0.95 * naiveTotal);
    }

    @Test
    void givenNoisyQuarterHours_whenForecastOnHeldOutWeeks_thenHoltWintersBeatsSeasonalNaive_andSeesTheStormsPeak() {
        int day = Seasons.QUARTER_HOURLY.day();
        int horizon = 2 * day;
        double naiveTotal = 0;
        double smoothedTotal = 0;
        for (long seed = 1; seed <= 5; seed++) {
            double[] series = SeriesGenerator.quarterSeries(8, 0.03, 6, 0.4, seed);
            double naive = 0;
            double smoothed = 0;
            for (int start = 6 * Seasons.QUARTER_HOURLY.week(); start + horizon <= series.length; start += day) {
                double[] history = Arrays.copyOf(series, start);
                double[] actual = Arrays.copyOfRange(series, start, start + horizon);
                naive += Accuracy.of(new SeasonalNaive().forecast(history, horizon), actual, 1).mae();
                smoothed += Accuracy.of(new HoltWinters().forecast(history, horizon), actual, 1).mae();
            }
            assertThat(smoothed).as("seed %d: Holt-Winters %.1f against seasonal-naive %.1f", seed, smoothed, naive)
                    .isLessThan(naive);
            naiveTotal += naive;
            smoothedTotal += smoothed;
        }
        assertThat(smoothedTotal).as("over all seeds").isLessThan(0.95 * naiveTotal);

        // the storm peaks in the second quarter of 08:00: the forecast for a Monday shows it, not a flat hour
        double[] history = SeriesGenerator.quarterSeries(4, 0, 99, 0, 3L);
        double[] monday = new HoltWinters().forecast(history, day);
        assertThat(monday[8 * 4 + 1]).as("08:15-08:30 against 08:45-09:00").isGreaterThan(2 * monday[8 * 4 + 3]);
        DemandForecast forecast = new DemandForecast(java.time.Instant.parse("2025-01-06T00:00:00Z"), monday);
        assertThat(forecast.perHour()).hasSize(24);
        assertThat(forecast.perHour()[8]).isCloseTo(monday[32] + monday[33] + monday[34] + monday[35], within(1e-9));
        assertThat(forecast.expectedRequests(java.time.Instant.parse("2025-01-06T08:15:00Z"), java.time.Duration.ofMinutes(5)))
                .isCloseTo(monday[33] / 3, within(1e-9));
    }

    @Test
    void givenForecastsAndActuals_whenScored_thenMaeSmapeAndMaseAreAsComputedByHand() {
        Accuracy accuracy = Accuracy.of(new double[]{2, 0, 4}, new double[]{1, 0, 4}, 0.5);

        assertThat(accuracy.intervals()).isEqualTo(3);
        assertThat(accuracy.mae()).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(accuracy.smape()).isCloseTo(100 * (2 * 1 / 3.0) / 3, within(1e-9));   // 0/0 counts as exact
        assertThat(accuracy.mase()).isCloseTo(2 / 3.0, within(1e-9));
    }
}
