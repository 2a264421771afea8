package org.openvdi.broker.bench;

import java.util.Map;

/**
 * When each milestone of one opening happened, in ms after the click on Open. A desktop that was READY before the
 * click (a spare) has no {@link OpenStep#DESKTOP_READY}.
 */
record OpenTimeline(Map<OpenStep, Long> afterClick) {

    OpenTimeline {
        afterClick = Map.copyOf(afterClick);
    }

    /** The milliseconds after the click, or {@code null} when the milestone did not happen in this opening. */
    Long at(OpenStep step) {
        return afterClick.get(step);
    }
}
