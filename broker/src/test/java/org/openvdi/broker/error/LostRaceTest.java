package org.openvdi.broker.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;

class LostRaceTest {

    @Test
    void givenAnotherWriterStoredTheNextEvent_whenAsked_thenItIsALostRace() {
        assertThat(LostRace.causes(new IllegalStateException(new ConcurrencyException("sequence taken")))).isTrue();
    }

    @Test
    void givenPostgresRolledTheTransactionBackToBreakADeadlock_whenAsked_thenItIsALostRace() {
        var deadlock = new CannotAcquireLockException("UPDATE pool_view", new SQLException("deadlock detected", "40P01"));

        assertThat(LostRace.causes(deadlock)).isTrue();
    }

    @Test
    void givenAnyOtherDatabaseFailure_whenAsked_thenItIsNot() {
        assertThat(LostRace.causes(new CannotAcquireLockException("lock", new SQLException("lock timeout", "55P03"))))
                .isFalse();
        assertThat(LostRace.causes(new IllegalStateException(new SQLException("unique", "23505")))).isFalse();
        assertThat(LostRace.causes(new IllegalStateException("refused"))).isFalse();
    }
}
