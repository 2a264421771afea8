package org.openvdi.broker;

import org.hamcrest.CustomTypeSafeMatcher;
import org.hamcrest.Matcher;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

/** Matches a business rejection by its code, for the aggregate fixtures' {@code expectException}. */
public final class Rejections {

    private Rejections() {
    }

    public static Matcher<BrokerException> rejectedWith(ErrorCode code) {
        return new CustomTypeSafeMatcher<>("a BrokerException with code " + code) {
            @Override
            protected boolean matchesSafely(BrokerException e) {
                return e.code() == code;
            }
        };
    }
}
