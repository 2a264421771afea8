package org.openvdi.broker.backtest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.web.DisplayText;

/**
 * One policy of a backtest request, as JSON in the pool's own policy format: {@code type} and the fields of that type (STATIC: {@code spares};
 * SCHEDULE: {@code zone}, {@code windows}, {@code otherwise}; PREDICTIVE: {@code safetyMargin}, {@code minSpare},
 * {@code maxSpare}), and an optional {@code label} shown with its result.
 */
record PolicySpec(@DisplayText(max = 60) String label,
                  @NotNull SparePolicy.Kind type,
                  @Min(0) @Max(SparePolicy.MAX_SPARES) Integer spares,
                  @Size(max = 64) String zone,
                  @Valid @Size(max = SparePolicy.MAX_WINDOWS) List<@NotNull @Valid WindowSpec> windows,
                  @Min(0) @Max(SparePolicy.MAX_SPARES) Integer otherwise,
                  Double safetyMargin,
                  @Min(0) @Max(SparePolicy.MAX_SPARES) Integer minSpare,
                  @Min(0) @Max(SparePolicy.MAX_SPARES) Integer maxSpare) {

    /** One schedule window: {@code spares} on {@code days} from {@code from} to {@code to} (local time). */
    record WindowSpec(@NotEmpty Set<@NotNull DayOfWeek> days, @NotNull LocalTime from, @NotNull LocalTime to,
                      @Min(0) @Max(SparePolicy.MAX_SPARES) int spares) {
    }

    /** The policy; a missing or inconsistent field answers 400 VALIDATION_FAILED with what is wrong. */
    SparePolicy policy() {
        try {
            return switch (type) {
                case STATIC -> new SparePolicy.Static(required(spares, "spares"));
                case SCHEDULE -> new SparePolicy.Schedule(zoneId(), windows == null ? List.of() : windows.stream()
                        .map(w -> new SparePolicy.Window(w.days(), w.from(), w.to(), w.spares())).toList(),
                        otherwise == null ? 0 : otherwise);
                case PREDICTIVE -> new SparePolicy.Predictive(safetyMargin == null ? 0.2 : safetyMargin,
                        minSpare == null ? 0 : minSpare, maxSpare == null ? 20 : maxSpare, false);
            };
        } catch (IllegalArgumentException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "Policy " + type + ": " + e.getMessage());
        }
    }

    /** The label shown: the given one, else one made from the policy. */
    String labelOr(SparePolicy policy) {
        if (label != null && !label.isBlank()) {
            return label;
        }
        return switch (type) {
            case STATIC -> "STATIC " + spares;
            case SCHEDULE -> "SCHEDULE";
            case PREDICTIVE -> "PREDICTIVE +" + Math.round(((SparePolicy.Predictive) policy).safetyMargin() * 100) + "%";
        };
    }

    private ZoneId zoneId() {
        if (zone == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("zone is not a known time zone");
        }
    }

    private static int required(Integer value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
