package org.openvdi.broker.session;

import org.axonframework.modelling.command.Repository;
import org.openvdi.broker.store.AggregateRepositories;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sessions' repository: committed sessions kept in memory, each used only while the store has nothing newer. */
@Configuration(proxyBeanMethods = false)
class SessionRepositoryConfiguration {

    @Bean
    Repository<Session> sessionRepository(AggregateRepositories repositories) {
        return repositories.versionChecked(Session.class);
    }
}
