package org.openvdi.broker;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * A whole broker on a random port with its own embedded PostgreSQL (real binaries), the demo
 * logins, and no demo pool: tests build what they need through the API.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.embedded-postgres.data-directory=target/test-pg/${random.uuid}",
        // throwaway databases: commits need not reach the disk (the product's default is durable)
        "openvdi.embedded-postgres.durable=false",
        "openvdi.images.directories=target/test-images",
        "openvdi.demo.enabled=false",
        "openvdi.capacity.initial-delay=0",
        "openvdi.provisioning.initial-delay=0",
        "openvdi.security.gateway-secret=test-gateway-secret",
        "openvdi.kafka.enabled=false",
        // these tests race many requests of one user on purpose; UserRateLimitTest keeps the real limits
        "openvdi.limits.session-requests-per-minute=100000",
        "openvdi.limits.connect-tokens-per-minute=100000",
        // tests that try wrong passwords must not ban the demo logins for the tests after them; SignInThrottleTest
        // sets the real limit
        "openvdi.limits.sign-in.max-failures=1000000",
        "server.shutdown=immediate",
        "spring.lifecycle.timeout-per-shutdown-phase=5s"
})
@ActiveProfiles({"demo", "test-logins"})   // test-logins: src/test/resources/application-test-logins.yml
@AutoConfigureObservability
public @interface BrokerTest {
}
