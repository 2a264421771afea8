package org.openvdi.broker.forecast;

/** The forecasting models the broker runs side by side. */
public enum ModelKind {
    /** The value one season earlier (a week, or a day while there is less than two weeks of history). */
    SEASONAL_NAIVE,
    /** Additive Holt-Winters exponential smoothing (level, trend and one season), parameters fitted on the history. */
    HOLT_WINTERS
}
