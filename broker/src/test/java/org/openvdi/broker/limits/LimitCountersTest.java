package org.openvdi.broker.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.limits.api.ThrottledSubject;
import org.openvdi.broker.security.UserDirectory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The shared counters on the broker's real PostgreSQL, with the default limits (5 failures in 5 minutes, a
 * 5-minute ban). A second {@link LimitCounters} on the same database stands for another broker. Addresses are
 * from documentation ranges, never this machine's, so no other test class sharing this context is banned.
 */
@BrokerTest
@TestPropertySource(properties = "openvdi.limits.sign-in.max-failures=5")
class LimitCountersTest {

    private static final LimitsProperties.SignIn DEFAULTS = new LimitsProperties.SignIn(5, Duration.ofMinutes(5),
            Duration.ofMinutes(5));

    @Autowired
    LimitCounters counters;
    @Autowired
    SignInThrottle throttle;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    JdbcClient jdbc;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private int hitsOf(LimitKind kind, String subject) {
        return jdbc.sql("SELECT hits FROM limit_counter WHERE kind = ? AND subject = ?").params(kind.name(), subject)
                .query(Integer.class).single();
    }

    private long throttledEvents(ThrottledSubject subject, String key) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE ?")
                .params(SignInGuard.idOf(subject, key).toString(), "%SignInThrottledEvent").query(Long.class).single();
    }

    @Test
    void givenTwoBrokers_whenEachCountsFailuresOfOneName_thenTheyAddUpAndTheFifthBansOnBoth() {
        LimitCounters otherBroker = new LimitCounters(dataSource, transactionManager);
        String name = LimitCounters.nameKey(fresh("shared"));
        List<Optional<LimitCounters.Ban>> bans = new ArrayList<>();

        for (int i = 0; i < 5; i++) {
            bans.add((i % 2 == 0 ? counters : otherBroker).failure(LimitKind.SIGN_IN_NAME, name, DEFAULTS));
        }

        assertThat(bans.subList(0, 4)).allMatch(Optional::isEmpty);
        assertThat(bans.get(4)).hasValueSatisfying(ban -> assertThat(ban.failures()).isEqualTo(5));
        assertThat(counters.banned(LimitKind.SIGN_IN_NAME, name, LimitKind.SIGN_IN_ADDRESS, "198.51.100.1"))
                .hasValueSatisfying(s -> assertThat(s).isBetween(290L, 300L));
        assertThat(otherBroker.banned(LimitKind.SIGN_IN_NAME, name, LimitKind.SIGN_IN_ADDRESS, "198.51.100.1")).isPresent();
    }

    @Test
    void given50ConcurrentFailuresOnTwoBrokers_whenCounted_thenExactly50AndOneBan() throws Exception {
        LimitCounters otherBroker = new LimitCounters(dataSource, transactionManager);
        String address = LimitCounters.addressKey("203.0.113." + (int) (Math.random() * 250));
        jdbc.sql("DELETE FROM limit_counter WHERE kind = 'SIGN_IN_ADDRESS' AND subject = ?").param(address).update();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<LimitCounters.Ban>>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            LimitCounters broker = i % 2 == 0 ? counters : otherBroker;
            Callable<Optional<LimitCounters.Ban>> failure = () -> {
                start.await();
                return broker.failure(LimitKind.SIGN_IN_ADDRESS, address, DEFAULTS);
            };
            results.add(threads.submit(failure));
        }

        start.countDown();
        int bans = 0;
        for (Future<Optional<LimitCounters.Ban>> result : results) {
            bans += result.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
        }

        assertThat(hitsOf(LimitKind.SIGN_IN_ADDRESS, address)).isEqualTo(50);
        assertThat(bans).isEqualTo(1);
    }

    @Test
    void givenFailuresWithManyNamesFromOneAddress_whenTheFifthFails_thenTheAddressIsBannedForEveryNameButNoName() {
        String address = "198.51.100." + (int) (Math.random() * 250);
        jdbc.sql("DELETE FROM limit_counter WHERE kind = 'SIGN_IN_ADDRESS' AND subject = ?").param(address).update();
        for (int i = 0; i < 4; i++) {
            throttle.failed(fresh("guess"), address);
        }
        assertThat(throttle.refusal(fresh("anyone"), address)).isEmpty();

        throttle.failed(fresh("guess"), address);

        assertThat(throttle.refusal(fresh("anyone"), address)).isPresent();
        assertThat(throttle.refusal("alice", "192.0.2.200")).isEmpty();
        assertThat(throttledEvents(ThrottledSubject.CLIENT_ADDRESS, address)).isEqualTo(1);
    }

    @Test
    void givenFailuresOfOneNameFromManyAddresses_whenTheFifthFails_thenTheNameIsBannedFromEveryAddressButNoAddress() {
        String name = fresh("victim");
        for (int i = 0; i < 5; i++) {
            throttle.failed(name, "2001:db8::" + Integer.toHexString((int) (Math.random() * 60000)));
        }

        assertThat(throttle.refusal(name, "2001:db8::ffff")).isPresent();
        assertThat(throttle.refusal(fresh("other"), "2001:db8::ffff")).isEmpty();
        assertThat(throttledEvents(ThrottledSubject.USER_NAME, LimitCounters.nameKey(name))).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM limit_counter WHERE subject LIKE 'victim%'").query(Long.class).single())
                .as("names are stored hashed").isZero();
    }

    @Test
    void givenFourFailures_whenTheRightPasswordFollows_thenTheNamesCountStartsAgainButABanInForceStays() {
        String name = fresh("forgetful");
        for (int i = 0; i < 4; i++) {
            throttle.failed(name, "192.0.2." + (int) (Math.random() * 250));
        }
        throttle.succeeded(name);
        for (int i = 0; i < 4; i++) {
            throttle.failed(name, "192.0.2." + (int) (Math.random() * 250));
        }
        assertThat(throttle.refusal(name, "2001:db8::1")).isEmpty();

        throttle.failed(name, "2001:db8::2");
        throttle.succeeded(name);

        assertThat(throttle.refusal(name, "2001:db8::1")).isPresent();
    }

    @Test
    void givenFourGuessesFromOneAddress_whenAValidAccountSignsInFromThere_thenTheAddressKeepsItsCountAndTheFifthBans() {
        String address = "198.51.100." + (int) (Math.random() * 250);
        jdbc.sql("DELETE FROM limit_counter WHERE kind = 'SIGN_IN_ADDRESS' AND subject = ?").param(address).update();
        for (int i = 0; i < 4; i++) {
            throttle.failed(fresh("guess"), address);
        }
        throttle.succeeded("alice");

        throttle.failed(fresh("guess"), address);

        assertThat(throttle.refusal(fresh("anyone"), address)).isPresent();
        assertThat(hitsOf(LimitKind.SIGN_IN_ADDRESS, address)).isEqualTo(5);
    }

    @Test
    void givenASuccessWithNoFailures_whenCounted_thenNothingIsWritten() {
        String name = fresh("clean");

        throttle.succeeded(name);

        assertThat(jdbc.sql("SELECT count(*) FROM limit_counter WHERE subject = ?").param(LimitCounters.nameKey(name))
                .query(Long.class).single()).isZero();
    }

    @Test
    void givenWrongGatewaySecrets_whenTheFifthFails_thenTheGatewayNameStaysUsableButTheGuessingAddressIsBanned() {
        String guesser = "203.0.113." + (int) (Math.random() * 250);
        jdbc.sql("DELETE FROM limit_counter WHERE kind = 'SIGN_IN_ADDRESS' AND subject = ?").param(guesser).update();
        for (int i = 0; i < 6; i++) {
            throttle.failed(UserDirectory.GATEWAY_USER, guesser);
        }

        assertThat(throttle.refusal(UserDirectory.GATEWAY_USER, "2001:db8::9")).as("the gateway elsewhere").isEmpty();
        assertThat(throttle.refusal(UserDirectory.GATEWAY_USER, guesser)).as("the guessing address").isPresent();
        assertThat(throttledEvents(ThrottledSubject.USER_NAME, LimitCounters.nameKey(UserDirectory.GATEWAY_USER)))
                .isZero();
    }

    @Test
    void givenAWindowThatIsOver_whenHitAgain_thenANewWindowStartsAndOldRowsArePurged() throws InterruptedException {
        String subject = fresh("window").substring(0, 40);
        counters.hit(LimitKind.SESSION_REQUEST, subject, Duration.ofMillis(300));
        assertThat(counters.hit(LimitKind.SESSION_REQUEST, subject, Duration.ofMillis(300)).hits()).isEqualTo(2);
        Thread.sleep(400);

        assertThat(counters.hit(LimitKind.SESSION_REQUEST, subject, Duration.ofMillis(300)).hits()).isEqualTo(1);
        Thread.sleep(400);
        counters.purgeExpired();

        assertThat(jdbc.sql("SELECT count(*) FROM limit_counter WHERE subject = ?").param(subject).query(Long.class).single())
                .isZero();
    }

    @Test
    void givenHostileNames_whenTheyFail_thenStoredAndRecordedOnlyAsFixedLengthHashes() {
        String address = "192.0.2." + (int) (Math.random() * 250);
        jdbc.sql("DELETE FROM limit_counter WHERE kind = 'SIGN_IN_ADDRESS' AND subject = ?").param(address).update();
        String hostile = "\u202Eadmin\u0000\r\n\u2066" + "x".repeat(100_000);
        for (int i = 0; i < 5; i++) {
            throttle.failed(hostile, address);
        }

        assertThat(throttle.refusal(hostile, address)).isPresent();
        String recorded = jdbc.sql("SELECT convert_from(payload, 'UTF8') FROM domainevententry WHERE aggregateidentifier = ?")
                .param(SignInGuard.idOf(ThrottledSubject.USER_NAME, LimitCounters.nameKey(hostile)).toString())
                .query(String.class).single();
        assertThat(recorded).contains("\"nameKey\":\"" + LimitCounters.nameKey(hostile) + "\"")
                .doesNotContain("admin", "xxx");
    }
}
