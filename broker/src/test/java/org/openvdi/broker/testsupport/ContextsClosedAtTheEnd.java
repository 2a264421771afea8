package org.openvdi.broker.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closes the Spring test contexts registered here when the test JVM's launcher session ends (once per surefire fork,
 * after its last class), before the JVM's shutdown hooks run. Spring would otherwise close a context that is still in
 * its cache only from its own shutdown hook, in parallel with the hooks that delete an embedded Kafka's temporary
 * directories while that Kafka still runs, which holds up the JVM's exit. A context Spring evicts from its cache earlier
 * is closed by Spring then; closing it again here does nothing.
 *
 * <p>Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class ContextsClosedAtTheEnd implements LauncherSessionListener {

    private static final Set<ConfigurableApplicationContext> CONTEXTS = ConcurrentHashMap.newKeySet();

    public static void register(ApplicationContext context) {
        if (context instanceof ConfigurableApplicationContext configurable) {
            CONTEXTS.add(configurable);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        List<ConfigurableApplicationContext> open = new ArrayList<>(CONTEXTS);
        CONTEXTS.clear();
        open.forEach(ConfigurableApplicationContext::close);
    }
}
