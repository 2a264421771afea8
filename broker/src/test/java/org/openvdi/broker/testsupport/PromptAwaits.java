package org.openvdi.broker.testsupport;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Every {@code await()} of the test JVM checks its condition at once, then every 100 ms as before: Awaitility's own
 * default waits one poll interval before the first check, so a condition that already holds (a page drawn, a row
 * written) cost 100 ms each time, thousands of times in a run.
 *
 * <p>Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class PromptAwaits implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
    }
}
