package org.openvdi.broker.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Tests that need a part of this host (libvirtd on qemu:///system, guacd, qemu-img, qemu) skip through an assumption
 * when a developer's machine lacks it. {@code ./vdi test} sets up and starts every part first, so there a skip means
 * a daemon died or a setup step is missing: with {@code -Dopenvdi.test.host-parts-required=true} the skip fails the
 * test instead of reading like a pass. Registered for every test class through the service loader.
 */
public final class HostPartsRequired implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    static final String PROPERTY = "openvdi.test.host-parts-required";

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw failIfRequired(thrown);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw failIfRequired(thrown);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw failIfRequired(thrown);
    }

    static Throwable failIfRequired(Throwable thrown) {
        if (thrown instanceof TestAbortedException && Boolean.getBoolean(PROPERTY)) {
            return new AssertionError("a part of this host that ./vdi test sets up is missing: " + thrown.getMessage(),
                    thrown);
        }
        return thrown;
    }
}
