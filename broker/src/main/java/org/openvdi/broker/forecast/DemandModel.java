package org.openvdi.broker.forecast;

/**
 * A forecasting model of session requests per interval. Pure: no Spring, no I/O, no clock; the same history gives the
 * same forecast. {@code history} is oldest first, one value per interval, its last value the interval just before
 * the first forecast one; the answer has {@code horizon} values, never negative.
 */
public interface DemandModel {

    /** The model's name, as stored and shown. */
    ModelKind kind();

    double[] forecast(double[] history, int horizon);

    /**
     * This model with whatever it fits (its parameters) fitted on {@code history} once, for forecasting from later
     * histories without fitting again; a model with nothing to fit answers itself.
     */
    default DemandModel fittedOn(double[] history) {
        return this;
    }
}
