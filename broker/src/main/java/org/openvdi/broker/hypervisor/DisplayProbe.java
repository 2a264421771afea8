package org.openvdi.broker.hypervisor;

import java.time.Duration;

/** Tells whether a desktop's display really answers (a VNC server that speaks RFB). */
@FunctionalInterface
public interface DisplayProbe {

    boolean answers(DisplayEndpoint endpoint, Duration timeout);
}
