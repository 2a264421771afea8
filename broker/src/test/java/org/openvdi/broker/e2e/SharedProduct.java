package org.openvdi.broker.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ProductStack;

/**
 * One whole product (broker, gateway, guacd, the local host qemu:///system with the template "Tiny desktop", browsers
 * reaching the gateway through a path a test can cut) for every browser integration test that only needs a running
 * product: starting it takes a broker, a gateway and a host, so the classes that extend with this share it instead of
 * starting their own. It starts on the first class that asks for it (a {@link ProductStack} parameter) and is closed
 * at the end of the run, which stops both applications and removes every VM and volume of its storage pool.
 * <p>
 * Each class makes pools of its own (and templates of its own when it publishes versions), and gives its pool back
 * with {@link #deletePool} when it is done, so the next class's desktops do not share the cores with its idle ones.
 * A class may stop and start the gateway and cut its path, as long as it leaves both running.
 */
public final class SharedProduct implements ParameterResolver {

    /** Desktops the host takes: every class's pool at its largest at once, with room for a rollout's surge. */
    static final int MAX_DESKTOPS = 8;

    /** How long the broker and the gateway may each take to start, as the cluster tests allow on a loaded machine. */
    private static final Duration START = Duration.ofMinutes(10);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedProduct.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ProductStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class).product;
    }

    /** Drains and deletes a class's pool at once ({@code deadline=now}), without waiting for its desktops to go. */
    public static void deletePool(ProductStack product, String pool) {
        if (product != null && pool != null) {
            AdminScenario admin = product.admin();
            admin.admin().delete("/api/pools/" + pool + "?deadline=now");
        }
    }

    /** The running product, closed by JUnit with the root context at the end of the run. */
    private record Running(ProductStack product) implements ExtensionContext.Store.CloseableResource {

        static Running start() {
            String storagePool = "openvdi-browser-" + UUID.randomUUID().toString().substring(0, 8);
            Path work = Path.of("target/it/" + storagePool).toAbsolutePath();
            try {
                return new Running(ProductStack.startWithCuttableGatewayPath(work, storagePool, MAX_DESKTOPS, START));
            } catch (Exception e) {
                throw new IllegalStateException("The shared product did not start; see " + work, e);
            }
        }

        @Override
        public void close() throws Exception {
            product.close();
        }
    }
}
