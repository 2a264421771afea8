package org.openvdi.broker.spare;

/** Why a spare target is what it is; the last step that changed it wins. */
public enum TargetReason {
    /** A {@link SparePolicy.Static} count. */
    STATIC,
    /** A {@link SparePolicy.Schedule} window covers the moment. */
    SCHEDULE_WINDOW,
    /** No schedule window covers the moment: its {@code otherwise} count. */
    SCHEDULE_OTHERWISE,
    /** The forecast requests within the lead time, with the safety margin. */
    FORECAST,
    /** The forecast asked for less than the predictive policy's {@code minSpare}. */
    FORECAST_MIN_SPARE,
    /** The forecast asked for more than the predictive policy's {@code maxSpare}. */
    FORECAST_MAX_SPARE,
    /** There is no forecast (no outlook, or it had no number): the predictive policy's {@code minSpare}. */
    NO_FORECAST,
    /** A forecast-only predictive policy applies its {@code minSpare}, whatever the forecast says. */
    FORECAST_ONLY,
    /** Lowered to what the pool's {@code maxSize} leaves beside the desktops in use. */
    CLAMPED_MAX_SIZE,
    /** Lowered to the room left on the hosts. */
    CLAMPED_HOST_ROOM
}
